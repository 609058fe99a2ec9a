/* pdbml.c — PDBML (PDBx XML) reader.
 *
 * Streams the document through libxml2's xmlTextReader fed by pa_input_read, so
 * memory stays bounded whatever the file size: no DOM is built and only the
 * fields of the current row are copied. Each row element becomes a "row of
 * fields" for the category code shared with the mmCIF reader (pai_mm_row):
 *
 *   <PDBx:datablock datablockName="1CBN">          depth 0
 *     <PDBx:atom_siteCategory>                      depth 1: category
 *       <PDBx:atom_site id="1">                     depth 2: row; attributes are key items
 *         <PDBx:Cartn_x>16.864</PDBx:Cartn_x>       depth 3: item (xsi:nil="true" -> '?')
 *
 * Safety: no network, no entity substitution, no DTD loading; a DOCTYPE is
 * rejected outright (PDBML never has one), which rules out entity expansion
 * attacks. libxml2's default limits (depth, text size) stay on: no
 * XML_PARSE_HUGE. Parser errors become diagnostics; libxml2 never prints. */
#include "cif.h"
#include "panalyzer/io.h"

#include "structure/xml_lazy.h"
#include <string.h>

#define PX_MAX_ROW_TEXT (16u << 20) /* bytes of text in one row */
#define PX_XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

typedef struct {
    size_t off, len;
    uint8_t vtype, set;
} px_field;

typedef struct {
    /* input */
    pa_input *in;
    int io_rc;
    int eof;
    uint64_t bytes;
    /* diagnostics */
    pa_diags *d;
    const char *file;
    int xml_code; /* last libxml2 error code of error level */
    long xml_line;
    int last_code;
    long last_line;
    /* row being read */
    int cat, nitems, item;
    long row_line;
    px_field fld[PAI_MM_MAX_ITEMS];
    pai_buf text;
    char block_name[80];
} px_ctx;

static int px_read(void *ud, char *buf, int len)
{
    px_ctx *c = ud;
    size_t got = 0;
    int rc = pa_input_read(c->in, buf, (size_t)len, &got);
    if (rc < 0) {
        c->io_rc = rc;
        return -1;
    }
    if (got == 0)
        c->eof = 1;
    c->bytes += got;
    return (int)got;
}

static int px_close(void *ud)
{
    (void)ud;
    return 0;
}

static int is_limit_error(int code)
{
    return code == XML_ERR_ENTITY_LOOP || code == XML_ERR_INTERNAL_ERROR ||
           code == XML_ERR_NO_MEMORY;
}

static void px_error(void *ud, xmlErrorPtr e)
{
    px_ctx *c = ud;
    if (!e || e->level == XML_ERR_NONE)
        return;
    const char *msg = e->message ? e->message : "XML error";
    int n = (int)strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--; /* libxml2 messages end with a newline */
    pa_severity sev = e->level == XML_ERR_WARNING ? PA_SEV_WARNING : PA_SEV_ERROR;
    if (e->code == c->last_code && e->line == c->last_line)
        return; /* libxml2 repeats some errors (entity loops) */
    c->last_code = e->code;
    c->last_line = e->line;
    if (sev == PA_SEV_ERROR && !c->xml_code) {
        c->xml_code = e->code;
        c->xml_line = e->line;
    }
    pai_diag(c->d, sev, is_limit_error(e->code) ? PA_D_LIMIT : PA_D_SYNTAX, c->file, e->line,
             e->int2 > 0 ? e->int2 : 0, "XML: %.*s", n, msg);
}

static void silent_generic(void *ud, const char *fmt, ...)
{
    (void)ud;
    (void)fmt;
}

static int name_is(const xmlChar *name, const char *s)
{
    return name && strcmp((const char *)name, s) == 0;
}

/* ---- rows ----------------------------------------------------------------------- */
static void row_reset(px_ctx *c, int cat, long line)
{
    c->cat = cat;
    c->nitems = pai_mm_item_count(cat);
    c->item = -1;
    c->row_line = line;
    c->text.len = 0;
    memset(c->fld, 0, sizeof c->fld);
}

static int field_set(px_ctx *c, int id, const xmlChar *value, uint8_t vtype)
{
    const char *v = value ? (const char *)value : "";
    size_t n = strlen(v);
    if (c->text.len + n > PX_MAX_ROW_TEXT)
        return PA_ERANGE;
    c->fld[id] = (px_field){c->text.len, n, vtype, 1};
    return pai_buf_add(&c->text, v, n) < 0 ? PA_ENOMEM : 0;
}

/* Text inside an item element (may arrive in several nodes). */
static int field_append(px_ctx *c, const xmlChar *value)
{
    const char *v = value ? (const char *)value : "";
    size_t n = strlen(v);
    if (c->text.len + n > PX_MAX_ROW_TEXT)
        return PA_ERANGE;
    c->fld[c->item].len += n;
    return pai_buf_add(&c->text, v, n) < 0 ? PA_ENOMEM : 0;
}

static int row_emit(px_ctx *c, pai_mm *mm)
{
    pai_cif_tok tok[PAI_MM_MAX_ITEMS];
    const pai_cif_tok *f[PAI_MM_MAX_ITEMS];
    for (int i = 0; i < c->nitems; i++) {
        f[i] = NULL;
        if (!c->fld[i].set)
            continue;
        const char *p = c->text.s ? c->text.s + c->fld[i].off : "";
        size_t n = c->fld[i].len;
        while (n && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) /* XML layout */
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\t' || p[n - 1] == '\r'))
            n--;
        tok[i] = (pai_cif_tok){.p = p, .n = (uint32_t)n, .kind = PAI_CIF_VALUE,
                               .vtype = c->fld[i].vtype, .line = c->row_line};
        f[i] = &tok[i];
    }
    c->item = -1;
    return pai_mm_row(mm, c->cat, f, c->row_line);
}

/* A row element: its attributes are key items. */
static int row_start(px_ctx *c, xmlTextReaderPtr rd)
{
    int rc = 0;
    row_reset(c, c->cat, xmlTextReaderGetParserLineNumber(rd));
    while (rc == 0 && xmlTextReaderMoveToNextAttribute(rd) == 1) {
        const xmlChar *an = xmlTextReaderConstLocalName(rd);
        int id = pai_mm_item(c->cat, (const char *)an, strlen((const char *)an));
        if (id >= 0)
            rc = field_set(c, id, xmlTextReaderConstValue(rd), PAI_CIF_V_PLAIN);
    }
    xmlTextReaderMoveToElement(rd);
    return rc;
}

/* An item element: xsi:nil="true" means unknown. */
static int item_start(px_ctx *c, xmlTextReaderPtr rd)
{
    const xmlChar *name = xmlTextReaderConstLocalName(rd);
    int id = pai_mm_item(c->cat, (const char *)name, strlen((const char *)name));
    int empty = xmlTextReaderIsEmptyElement(rd) == 1;
    c->item = -1;
    if (id < 0)
        return 0;
    uint8_t vtype = PAI_CIF_V_PLAIN;
    while (xmlTextReaderMoveToNextAttribute(rd) == 1)
        if (name_is(xmlTextReaderConstLocalName(rd), "nil") &&
            name_is(xmlTextReaderConstNamespaceUri(rd), PX_XSI_NS) &&
            name_is(xmlTextReaderConstValue(rd), "true"))
            vtype = PAI_CIF_V_UNKNOWN;
    xmlTextReaderMoveToElement(rd);
    int rc = field_set(c, id, NULL, vtype);
    if (rc == 0 && !empty && vtype == PAI_CIF_V_PLAIN)
        c->item = id;
    return rc;
}

/* The root must be a PDBx datablock. */
static int root_start(px_ctx *c, xmlTextReaderPtr rd)
{
    const xmlChar *name = xmlTextReaderConstLocalName(rd);
    if (!name_is(name, "datablock")) {
        pai_diag(c->d, PA_SEV_ERROR, PA_D_UNKNOWN_FORMAT, c->file,
                 xmlTextReaderGetParserLineNumber(rd), 0,
                 "XML root element <%.40s> is not a PDBx datablock: not PDBML", (const char *)name);
        return pai_error(PA_EFORMAT, "%s: XML but not PDBML", c->file);
    }
    xmlChar *bn = xmlTextReaderGetAttribute(rd, (const xmlChar *)"datablockName");
    if (bn) {
        snprintf(c->block_name, sizeof c->block_name, "%s", (const char *)bn);
        xmlFree(bn);
    }
    return 0;
}

/* Category element at depth 1: "<name>Category". Returns the id or -1. */
static int category_of(xmlTextReaderPtr rd)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(rd);
    size_t n = strlen(name);
    if (n <= 8 || strcmp(name + n - 8, "Category") != 0)
        return -1;
    return pai_mm_category(name, n - 8);
}

typedef struct {
    int rc;
    int root_seen, root_closed;
} px_walk;

/* One node. *skip = 1 asks the caller to skip the node's subtree. */
static int px_node(px_ctx *c, pai_mm *mm, pai_builder *b, xmlTextReaderPtr rd, px_walk *w,
                   int *skip)
{
    int type = xmlTextReaderNodeType(rd);
    int depth = xmlTextReaderDepth(rd);
    switch (type) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
        pai_diag(c->d, PA_SEV_ERROR, PA_D_UNSUPPORTED, c->file,
                 xmlTextReaderGetParserLineNumber(rd), 0,
                 "XML document type declaration (DOCTYPE) is not allowed in PDBML");
        return pai_error(PA_EFORMAT, "%s: DOCTYPE in PDBML", c->file);
    case XML_READER_TYPE_ELEMENT: {
        int empty = xmlTextReaderIsEmptyElement(rd) == 1;
        if (depth == 0) {
            w->root_seen = 1;
            w->root_closed = empty;
            return root_start(c, rd);
        }
        if (depth == 1) {
            c->cat = category_of(rd);
            *skip = c->cat < 0 && !empty;
            return 0;
        }
        if (depth == 2 && c->cat >= 0) {
            if (!pai_builder_accepting(b)) { /* first_model_only and done */
                *skip = !empty;
                return 0;
            }
            int rc = row_start(c, rd);
            return rc == 0 && empty ? row_emit(c, mm) : rc;
        }
        if (depth == 3 && c->cat >= 0)
            return item_start(c, rd);
        return 0;
    }
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        if (depth == 4 && c->item >= 0)
            return field_append(c, xmlTextReaderConstValue(rd));
        return 0;
    case XML_READER_TYPE_END_ELEMENT:
        if (depth == 3)
            c->item = -1;
        else if (depth == 2 && c->cat >= 0)
            return row_emit(c, mm);
        else if (depth == 1)
            c->cat = -1;
        else if (depth == 0)
            w->root_closed = 1;
        return 0;
    default:
        return 0;
    }
}

/* Why the parse stopped early: I/O, truncation, emptiness or a syntax error. */
static int px_failure(px_ctx *c, const px_walk *w)
{
    if (c->io_rc < 0) {
        pai_diag(c->d, PA_SEV_ERROR, c->io_rc == PA_EIO ? PA_D_IO : PA_D_COMPRESSION, c->file, 0,
                 0, "input error: %s", pa_last_error());
        return c->io_rc;
    }
    if (c->bytes == 0 || (c->eof && !w->root_seen && c->xml_code == XML_ERR_DOCUMENT_EMPTY)) {
        pai_diag(c->d, PA_SEV_ERROR, PA_D_EMPTY, c->file, 0, 0, "empty XML document");
        return pai_error(PA_EFORMAT, "%s: empty document", c->file);
    }
    if (c->eof && w->root_seen && !w->root_closed &&
        (c->xml_code == XML_ERR_TAG_NOT_FINISHED || c->xml_code == XML_ERR_DOCUMENT_END ||
         c->xml_code == XML_ERR_GT_REQUIRED || c->xml_code == XML_ERR_LTSLASH_REQUIRED ||
         c->xml_code == XML_ERR_TAG_NAME_MISMATCH || c->xml_code == XML_ERR_NAME_REQUIRED ||
         c->xml_code == XML_ERR_ATTRIBUTE_NOT_STARTED || c->xml_code == XML_ERR_LT_IN_ATTRIBUTE)) {
        pai_diag(c->d, PA_SEV_ERROR, PA_D_TRUNCATED, c->file, c->xml_line, 0,
                 "PDBML document ends early (truncated)");
        return pai_error(PA_ETRUNCATED, "%s: truncated PDBML", c->file);
    }
    if (!c->xml_code)
        pai_diag(c->d, PA_SEV_ERROR, PA_D_SYNTAX, c->file, 0, 0, "XML parse error");
    return pai_error(PA_EFORMAT, "%s: XML error", c->file);
}

static int px_walk_doc(px_ctx *c, pai_mm *mm, pai_builder *b, xmlTextReaderPtr rd)
{
    px_walk w = {0};
    int skip = 0, r;
    for (r = xmlTextReaderRead(rd); r == 1; r = skip ? xmlTextReaderNext(rd) : xmlTextReaderRead(rd)) {
        skip = 0;
        int rc = px_node(c, mm, b, rd, &w, &skip);
        if (rc == PA_ERANGE) {
            pai_diag(c->d, PA_SEV_ERROR, PA_D_LIMIT, c->file, c->row_line, 0,
                     "PDBML row holds more than %u bytes of text", PX_MAX_ROW_TEXT);
            return pai_error(PA_ERANGE, "%s: row text too large", c->file);
        }
        if (rc < 0)
            return rc == PA_ENOMEM ? pai_error(PA_ENOMEM, "out of memory") : rc;
    }
    if (r < 0 || c->io_rc < 0 || !w.root_seen)
        return px_failure(c, &w);
    return 0;
}

int pai_read_pdbml(pa_input *in, const pa_reader_opts *o, pa_diags *d, const char *file,
                   pa_structure **out)
{
    if (!in || !out)
        return pai_error(PA_EINVAL, "pai_read_pdbml: NULL argument");
    *out = NULL;
    px_ctx c = {.in = in, .d = d, .file = file ? file : "", .cat = -1, .item = -1};
    pai_builder *b = NULL;
    pai_mm *mm = NULL;
    int rc = pai_builder_new(&b, o, d, c.file, PA_FORMAT_PDBML);
    if (rc == 0)
        rc = pai_mm_new(&mm, b);
    if (rc == 0)
        rc = pai_xml_load(); /* dlopen libxml2 at the first PDBML file */
    if (rc < 0)
        goto done;

    xmlInitParser();
    xmlGenericErrorFunc old_fn = xmlGenericError; /* thread-local in libxml2 */
    void *old_ud = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlTextReaderPtr rd = xmlReaderForIO(px_read, px_close, &c, NULL, NULL,
                                         XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA);
    if (!rd) {
        xmlSetGenericErrorFunc(old_ud, old_fn);
        rc = c.io_rc < 0 ? c.io_rc : pai_error(PA_ENOMEM, "cannot create the XML reader");
        goto done;
    }
    xmlTextReaderSetStructuredErrorHandler(rd, px_error, &c);
    rc = px_walk_doc(&c, mm, b, rd);
    xmlFreeTextReader(rd);
    xmlSetGenericErrorFunc(old_ud, old_fn);

    if (rc == 0)
        rc = pai_mm_finish(mm, (pai_str){c.block_name, strlen(c.block_name)});
    if (rc == 0)
        rc = pai_builder_finish(b, out);
done:
    pai_buf_free(&c.text);
    pai_mm_free(mm);
    pai_builder_free(b);
    return rc;
}
