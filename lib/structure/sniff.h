/* sniff.h — content sniffing helpers beyond pai_sniff_format (builder.h). */
#ifndef PAI_STRUCTURE_SNIFF_H
#define PAI_STRUCTURE_SNIFF_H

#include <stddef.h>

/* Length of a UTF-8 byte-order mark at buf (3) or 0. */
size_t pai_sniff_bom(const char *buf, size_t n);
/* BinaryCIF: a MessagePack map at the start (fixmap 0x80-0x8f, map16/32 0xde/0xdf). */
int pai_sniff_binarycif(const char *buf, size_t n);
/* Nothing but whitespace. */
int pai_sniff_blank(const char *buf, size_t n);

#endif
