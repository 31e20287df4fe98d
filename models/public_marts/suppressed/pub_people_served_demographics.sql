-- People served by demographic category, as the public may see them (macro
-- suppressed_demographic_cells: the count unless the suppression step hid it).
{{ suppressed_demographic_cells('people_served', 'people_served') }}
