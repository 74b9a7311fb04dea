# clean.py: the cleaning shared by the Clean jobs: keeps the rows "day,temp" whose temp is a number in
# a plausible range.
def clean_rows(lines):
    kept, dropped = [], 0
    for line in list(lines)[1:]:                            # the first line is the header
        fields = line.strip().split(',')
        try:
            day, temp = fields[0], float(fields[1])
            if not -60 <= temp <= 60: raise ValueError(temp)
            kept.append((day, temp))
        except (IndexError, ValueError):
            dropped += 1
    return kept, dropped
