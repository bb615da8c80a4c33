# Placeholder while the citation checks are written.
