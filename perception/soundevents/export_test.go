package soundevents

// Production code has no use for these; the tests do.

// Name is class i's display name.
func (m *ClassMap) Name(i int) string { return m.names[i] }
