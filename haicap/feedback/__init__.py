"""Citizens' satisfaction ratings and complaints (phản ánh kiến nghị) about dossiers."""
