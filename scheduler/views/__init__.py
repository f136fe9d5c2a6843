"""Pages of the scheduling core: `staff` (session requests), `hero` (offers and visits) and
`board` (the coordinators' matching board and VR kits)."""
