package harness

// FixtureGoTest lets the external tests (package harness_test) run a
// fixture lesson the way racelog_test.go does.
var FixtureGoTest = fixtureGoTest
