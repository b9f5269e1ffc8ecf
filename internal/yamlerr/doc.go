// Package yamlerr turns the YAML decoder's messages, which name Go types
// ("cannot unmarshal !!str `high` into float64", "field nmae not found in
// type struct {...}"), into lines a carer or researcher can act on: the
// line, the field as written in the file, and what value was expected.
package yamlerr
