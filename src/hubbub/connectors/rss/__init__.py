"""RSS 0.9x/1.0/2.0 and Atom feeds, with conditional GET."""
