package export

import "github.com/stratpub/stratpub/internal/plan"

// Size estimates, for the external tests.
var SizeEstimates = map[string]func(*plan.Plan) int{
	JSONPath:    jsonSize,
	CSVPath:     csvSize,
	StratMLPath: func(p *plan.Plan) int { return stratmlSize(p, false) },
	Part2Path:   func(p *plan.Plan) int { return stratmlSize(p, true) },
}
