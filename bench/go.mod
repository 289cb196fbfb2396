module autoroute/bench

go 1.26.0

require (
	autoroute v0.0.0
	github.com/benbjohnson/clock v1.3.5
	github.com/jonboulle/clockwork v0.5.0
	google.golang.org/grpc v1.85.0
)

replace autoroute => ../
