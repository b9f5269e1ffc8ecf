package soundevents

// Production code has no use for these; the tests do.

// Name is class i's display name.
func (m *ClassMap) Name(i int) string { return m.names[i] }

// Members are the class indices of g.
func (m *ClassMap) Members(g Group) []int { return m.members[g] }
