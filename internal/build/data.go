package build

import (
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
func addData(opts *render.Options, pl *plan.Plan, lazy bool, cache *Cache) error {
	opts.DataPaths = export.Paths()
	type made struct {
		list  []render.DataFile
		files []render.File
		err   error
	}
	data := sync.OnceValue(func() made {
		files, err := export.Files(pl)
		if err != nil {
			return made{err: err}
		}
		var m made
		for _, f := range files {
			sample, err := export.Sample(f, sampleLines)
			if err != nil {
				return made{err: err}
			}
			m.files = append(m.files, render.File{Path: f.Path, Data: f.Data})
			m.list = append(m.list, render.DataFile{Path: f.Path, Title: f.Title, Format: f.Format, Size: int64(len(f.Data)), Sample: sample})
		}
		return m
	})
	opts.Data = func() ([]render.DataFile, []render.File, error) {
		m := data()
		return m.list, m.files, m.err
	}
	// Every page names the search index by the hash of its contents, so it
	// is made now; the data files side by side with it, unless lazy.
	var wg sync.WaitGroup
	if !lazy {
		wg.Go(func() { data() })
	}
	var terms *search.Cache
	if cache != nil {
		terms = &cache.Search
	}
	index, err := terms.Script(pl)
	wg.Wait()
	if err != nil {
		return err
	}
	if !lazy {
		if m := data(); m.err != nil {
			return m.err
		}
	}
	opts.Assets = append(opts.Assets,
		render.File{Path: search.IndexAsset, Data: index},
		render.File{Path: export.HighlightAsset, Data: export.HighlightCSS()},
	)
	return nil
}
