// SPDX-License-Identifier: ISC
// A YAML document as a tree that remembers where each node came from, and
// typed look-ups whose errors name the file, the line, the key and what
// would be valid.

#ifndef GS_SESSION_DOC_H
#define GS_SESSION_DOC_H

#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  GS_NODE_SCALAR,
  GS_NODE_SEQUENCE,
  GS_NODE_MAPPING,
} GsNodeKind;

typedef struct GsNode GsNode;

/// One node. A mapping's children alternate key, value; a sequence's are
/// its items. Lines count from 1.
struct GsNode {
  GsNodeKind kind;
  unsigned line;
  char *text;          ///< scalars only
  GsNode **child;
  size_t n_child;
};

/// A loaded document; path is kept for messages.
typedef struct {
  char *path;
  GsNode *root;        ///< NULL for an empty document
} GsDoc;

/// Most nodes a document may have, and how deep it may nest: bounds that keep
/// a hostile file from exhausting memory or the stack.
#define GS_DOC_MAX_NODES 100000
#define GS_DOC_MAX_DEPTH 32

/// Parses text of length size (a file's contents) named path. Errors name the
/// file, line and column ("session.yaml:3:7: mapping values are not allowed
/// here"). Anchors, aliases and tags are refused: a session is plain data.
GsStatus gs_doc_parse(const char *path, const char *text, size_t size, GsDoc *doc, GsError *err);
/// Reads and parses a file.
GsStatus gs_doc_load(const char *path, GsDoc *doc, GsError *err);
void gs_doc_free(GsDoc *doc);

/// The value for key in a mapping, or NULL.
const GsNode *gs_doc_get(const GsNode *map, const char *key);

/// Where a look-up happens, for messages: "session.yaml:14: strip 3: ".
typedef struct {
  const GsDoc *doc;
  const char *what;   ///< "strip 3 (kick)", "session", "mix 2"
} GsDocContext;

/// Fails when map is not a mapping or has a key outside allowed (NULL-
/// terminated): "session.yaml:12: strip 3: unknown key 'gian_db' (valid: ...)".
GsStatus gs_doc_check_keys(const GsDocContext *ctx, const GsNode *map, const char *const *allowed,
                           GsError *err);

/// Typed values. A missing key leaves *out as it is (the caller's default)
/// unless required; a wrong type or a value outside [lo, hi] fails with a
/// message naming the key, the value, the range and the unit.
GsStatus gs_doc_number(const GsDocContext *ctx, const GsNode *map, const char *key, double lo,
                       double hi, const char *unit, bool required, double *out, GsError *err);
GsStatus gs_doc_bool(const GsDocContext *ctx, const GsNode *map, const char *key, bool *out,
                     GsError *err);
/// A string; with choices (NULL-terminated), one of them.
GsStatus gs_doc_string(const GsDocContext *ctx, const GsNode *map, const char *key,
                       const char *const *choices, bool required, const char **out,
                       GsError *err);

/// Formats "path:line: what: " + message into err; returns status.
GsStatus gs_doc_fail(const GsDocContext *ctx, const GsNode *node, GsStatus status, GsError *err,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif  // GS_SESSION_DOC_H
