// SPDX-License-Identifier: ISC
// libFuzzer target: any bytes through the session document parser and its
// typed look-ups. No crash, leak, hang or sanitizer report is acceptable.

#include "session/doc.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// Walks every mapping the way a session reader does.
static void walk(const GsDoc *doc, const GsNode *n, unsigned depth)
{
  if (!n || depth > GS_DOC_MAX_DEPTH) {
    return;
  }
  if (n->kind == GS_NODE_MAPPING) {
    static const char *const keys[] = {"name", "rate_hz", "gain_db", "model", "phantom", NULL};
    GsDocContext ctx = {.doc = doc, .what = "fuzz"};
    GsError err;
    double x = 0.0;
    bool b = false;
    const char *s = NULL;
    (void)gs_doc_check_keys(&ctx, n, keys, &err);
    (void)gs_doc_number(&ctx, n, "gain_db", 0.0, 66.0, "dB", false, &x, &err);
    (void)gs_doc_number(&ctx, n, "rate_hz", 44100.0, 192000.0, "Hz", true, &x, &err);
    (void)gs_doc_bool(&ctx, n, "phantom", &b, &err);
    (void)gs_doc_string(&ctx, n, "model", keys, false, &s, &err);
  }
  for (size_t i = 0; i < n->n_child; ++i) {
    walk(doc, n->child[i], depth + 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  GsDoc doc;
  GsError err;
  if (gs_doc_parse("fuzz.yaml", (const char *)data, size, &doc, &err) == GS_OK) {
    walk(&doc, doc.root, 0);
    gs_doc_free(&doc);
  }
  return 0;
}
