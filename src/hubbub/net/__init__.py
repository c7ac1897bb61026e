"""Network policy for requests Hubbub makes on users' behalf (see `outbound`)."""
