// Package order puts named things after the things they depend on:
// queries after the queries they read, figures after the figures they are
// computed from. It is the one place where a cycle among them is found and
// named.
package order

import "strings"

// Sort returns names ordered so that each comes after the names it depends
// on; deps lists those, and a name that is not in names is ignored. Names
// are taken in the order given and their dependencies in the order deps
// gives them, so the same input always gives the same order.
//
// When names depend on each other in a circle, Sort returns no order but
// the first cycle it meets, from the name where it starts back to that
// name: [a b a].
func Sort(names []string, deps func(name string) []string) (sorted, cycle []string) {
	s := sorter{deps: deps, state: make(map[string]int, len(names))}
	for _, n := range names {
		s.state[n] = unseen
	}
	for _, n := range names {
		if cycle := s.visit(n); cycle != nil {
			return nil, cycle
		}
	}
	return s.out, nil
}

// Path writes a cycle as people read it: a → b → a.
func Path(cycle []string) string { return strings.Join(cycle, " → ") }

const (
	unseen = iota + 1
	visiting
	done
)

type sorter struct {
	deps  func(string) []string
	state map[string]int // 0: not one of the names
	chain []string       // the names being visited, outermost first
	out   []string
}

func (s *sorter) visit(n string) []string {
	switch s.state[n] {
	case 0, done:
		return nil
	case visiting:
		for i, c := range s.chain {
			if c == n {
				return append(append([]string{}, s.chain[i:]...), n)
			}
		}
	}
	s.state[n] = visiting
	s.chain = append(s.chain, n)
	for _, d := range s.deps(n) {
		if cycle := s.visit(d); cycle != nil {
			return cycle
		}
	}
	s.chain = s.chain[:len(s.chain)-1]
	s.state[n] = done
	s.out = append(s.out, n)
	return nil
}
