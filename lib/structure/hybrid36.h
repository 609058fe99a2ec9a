/* hybrid36.h — hybrid-36 numbers of PDB atom serials (5 columns) and residue
 * numbers (4 columns): decimal up to 10^w - 1, then base-36 with upper-case
 * letters ("A0000" = 100000 for w = 5), then lower-case. */
#ifndef PAI_HYBRID36_H
#define PAI_HYBRID36_H

#include <stddef.h>
#include <stdint.h>

/* Decode field s[0..n) of nominal width w (4 or 5). Blank -> 0 with *blank = 1.
 * Returns 0, or -1 when the field is not a valid number. */
int pai_hy36_decode(const char *s, size_t n, unsigned w, int32_t *out, int *blank);

#endif
