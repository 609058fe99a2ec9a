/* xml_lazy.h — libxml2 through dlopen, loaded at the first PDBML file (never installed).
 *
 * Only the PDBML reader needs libxml2, and linking it (with ICU and liblzma) costs every
 * process ~0.5 ms of start-up. pdbml.c includes this header instead of
 * <libxml/xmlreader.h>: the libxml2 names it calls become members of one table of
 * function pointers that pai_xml_load fills. */
#ifndef PAI_XML_LAZY_H
#define PAI_XML_LAZY_H

#include <libxml/globals.h>
#include <libxml/xmlreader.h>

/* Every libxml2 function pdbml.c reaches, directly or through libxml2's own macros
 * (xmlGenericError and xmlGenericErrorContext are thread-local accessors). */
#define PAI_XML_FUNCS(X)                                                                   \
    X(xmlInitParser) X(__xmlGenericError) X(__xmlGenericErrorContext)                      \
    X(xmlSetGenericErrorFunc) X(xmlReaderForIO) X(xmlTextReaderSetStructuredErrorHandler)  \
    X(xmlFreeTextReader) X(xmlTextReaderRead) X(xmlTextReaderNext) X(xmlTextReaderNodeType) \
    X(xmlTextReaderDepth) X(xmlTextReaderIsEmptyElement) X(xmlTextReaderConstLocalName)    \
    X(xmlTextReaderConstNamespaceUri) X(xmlTextReaderConstValue)                           \
    X(xmlTextReaderGetAttribute) X(xmlTextReaderGetParserLineNumber)                       \
    X(xmlTextReaderMoveToElement) X(xmlTextReaderMoveToNextAttribute)

typedef struct {
#define PAI_XML_FIELD(f) __typeof__(&f) f;
    PAI_XML_FUNCS(PAI_XML_FIELD)
#undef PAI_XML_FIELD
    xmlFreeFunc *xmlFree; /* a variable in libxml2, not a function */
} pai_xml_api;

/* Filled once by pai_xml_load; read-only afterwards. */
extern pai_xml_api pai_xml;

/* Load libxml2 once (thread-safe). 0, or PA_EUNSUPPORTED naming the library when it
 * cannot be loaded ($PA_LIBXML2 if set, else the soname found at build time). */
int pai_xml_load(void);

#ifndef PAI_XML_IMPL
#define xmlInitParser pai_xml.xmlInitParser
#define __xmlGenericError pai_xml.__xmlGenericError
#define __xmlGenericErrorContext pai_xml.__xmlGenericErrorContext
#define xmlFree (*pai_xml.xmlFree)
#define xmlSetGenericErrorFunc pai_xml.xmlSetGenericErrorFunc
#define xmlReaderForIO pai_xml.xmlReaderForIO
#define xmlTextReaderSetStructuredErrorHandler pai_xml.xmlTextReaderSetStructuredErrorHandler
#define xmlFreeTextReader pai_xml.xmlFreeTextReader
#define xmlTextReaderRead pai_xml.xmlTextReaderRead
#define xmlTextReaderNext pai_xml.xmlTextReaderNext
#define xmlTextReaderNodeType pai_xml.xmlTextReaderNodeType
#define xmlTextReaderDepth pai_xml.xmlTextReaderDepth
#define xmlTextReaderIsEmptyElement pai_xml.xmlTextReaderIsEmptyElement
#define xmlTextReaderConstLocalName pai_xml.xmlTextReaderConstLocalName
#define xmlTextReaderConstNamespaceUri pai_xml.xmlTextReaderConstNamespaceUri
#define xmlTextReaderConstValue pai_xml.xmlTextReaderConstValue
#define xmlTextReaderGetAttribute pai_xml.xmlTextReaderGetAttribute
#define xmlTextReaderGetParserLineNumber pai_xml.xmlTextReaderGetParserLineNumber
#define xmlTextReaderMoveToElement pai_xml.xmlTextReaderMoveToElement
#define xmlTextReaderMoveToNextAttribute pai_xml.xmlTextReaderMoveToNextAttribute
#endif

#endif
