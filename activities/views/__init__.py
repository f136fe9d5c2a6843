"""Pages for families (`family`) and for school staff and coordinators (`staff`)."""
