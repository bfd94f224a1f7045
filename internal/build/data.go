package build

import (
	"errors"
	"sync"

	"github.com/stratpub/stratpub/internal/export"
	"github.com/stratpub/stratpub/internal/plan"
	"github.com/stratpub/stratpub/internal/render"
	"github.com/stratpub/stratpub/internal/search"
)

// sampleLines is how many lines of each data file the Data page shows.
const sampleLines = 14

// addData adds what the plan publishes besides its pages: the open data
// files with their samples for the Data page, the search index and the
// style sheet of the highlighted samples.
func addData(opts *render.Options, pl *plan.Plan) error {
	// The exports and the search index only read the plan: make them side
	// by side.
	var (
		files []export.File
		index []byte
		ferr  error
		ierr  error
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		index, ierr = search.Script(pl)
	}()
	files, ferr = export.Files(pl)
	wg.Wait()
	if err := errors.Join(ferr, ierr); err != nil {
		return err
	}
	for _, f := range files {
		sample, err := export.Sample(f, sampleLines)
		if err != nil {
			return err
		}
		opts.Extra = append(opts.Extra, render.File{Path: f.Path, Data: f.Data})
		opts.Data = append(opts.Data, render.DataFile{Path: f.Path, Title: f.Title, Format: f.Format, Size: int64(len(f.Data)), Sample: sample})
	}
	opts.Assets = append(opts.Assets,
		render.File{Path: search.IndexAsset, Data: index},
		render.File{Path: export.HighlightAsset, Data: export.HighlightCSS()},
	)
	return nil
}
