-- Staff by demographic category, as the public may see them (macro
-- suppressed_demographic_cells: the count unless the suppression step hid it).
{{ suppressed_demographic_cells('staff', 'staff_count') }}
