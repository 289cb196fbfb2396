package runtime_test

import (
	"autoroute/solutions/executor"
)

func specBody(e *executor.Executor) {
	go func() {
		e.Spawn(func() {})
	}()
	go func() {
		e.Shutdown()
	}()
}
