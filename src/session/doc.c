// SPDX-License-Identifier: ISC
// YAML documents through libyaml's event parser, and typed look-ups.

#include "session/doc.h"

#include "error.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_FILE_BYTES (16u << 20)  // a session is a few kilobytes; refuse the absurd

static void node_free(GsNode *n)
{
  if (!n) {
    return;
  }
  for (size_t i = 0; i < n->n_child; ++i) {
    node_free(n->child[i]);
  }
  free(n->child);
  free(n->text);
  free(n);
}

void gs_doc_free(GsDoc *doc)
{
  node_free(doc->root);
  free(doc->path);
  *doc = (GsDoc){0};
}

static bool add_child(GsNode *parent, GsNode *child)
{
  GsNode **grown = realloc(parent->child, (parent->n_child + 1) * sizeof(*grown));
  if (!grown) {
    return false;
  }
  parent->child = grown;
  parent->child[parent->n_child++] = child;
  return true;
}

static GsNode *node_new(GsNodeKind kind, unsigned line)
{
  GsNode *n = calloc(1, sizeof(*n));
  if (n) {
    n->kind = kind;
    n->line = line;
  }
  return n;
}

GsStatus gs_doc_parse(const char *path, const char *text, size_t size, GsDoc *doc, GsError *err)
{
  *doc = (GsDoc){0};
  doc->path = strdup(path);
  if (!doc->path) {
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory", path);
  }
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    gs_doc_free(doc);
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory", path);
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);

  GsNode *stack[GS_DOC_MAX_DEPTH + 1];
  size_t depth = 0, n_nodes = 0, n_documents = 0;
  GsStatus st = GS_OK;
  bool done = false;
  while (!done && st == GS_OK) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      st = gs_fail(err, GS_ERR_FORMAT, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
               parser.problem_mark.column + 1, parser.problem ? parser.problem : "not YAML");
      break;
    }
    const unsigned line = (unsigned)ev.start_mark.line + 1;
    GsNode *node = NULL;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT: done = true; break;
    case YAML_DOCUMENT_START_EVENT:
      if (++n_documents > 1) {
        st = gs_fail(err, GS_ERR_FORMAT, "%s:%u: a session is one YAML document (found a second)",
                 path, line);
      }
      break;
    case YAML_ALIAS_EVENT:
      st = gs_fail(err, GS_ERR_FORMAT, "%s:%u: aliases (*name) are not allowed in a session", path,
               line);
      break;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
      const yaml_char_t *anchor = ev.type == YAML_SCALAR_EVENT ? ev.data.scalar.anchor
                                  : ev.type == YAML_SEQUENCE_START_EVENT
                                    ? ev.data.sequence_start.anchor
                                    : ev.data.mapping_start.anchor;
      if (anchor) {
        st = gs_fail(err, GS_ERR_FORMAT, "%s:%u: anchors (&%s) are not allowed in a session", path,
                 line, (const char *)anchor);
        break;
      }
      if (++n_nodes > GS_DOC_MAX_NODES) {
        st = gs_fail(err, GS_ERR_FORMAT, "%s:%u: more than %d values: not a session", path, line,
                 GS_DOC_MAX_NODES);
        break;
      }
      const GsNodeKind kind = ev.type == YAML_SCALAR_EVENT            ? GS_NODE_SCALAR
                              : ev.type == YAML_SEQUENCE_START_EVENT ? GS_NODE_SEQUENCE
                                                                     : GS_NODE_MAPPING;
      node = node_new(kind, line);
      if (node && kind == GS_NODE_SCALAR) {
        node->text = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
        if (!node->text) {
          node_free(node);
          node = NULL;
        }
      }
      if (!node) {
        st = gs_fail(err, GS_ERR_NOMEM, "%s: out of memory", path);
        break;
      }
      if (depth == 0) {
        doc->root = node;
      } else if (!add_child(stack[depth - 1], node)) {
        node_free(node);
        st = gs_fail(err, GS_ERR_NOMEM, "%s: out of memory", path);
        break;
      }
      if (kind != GS_NODE_SCALAR) {
        if (depth == GS_DOC_MAX_DEPTH) {
          st = gs_fail(err, GS_ERR_FORMAT, "%s:%u: nested more than %d deep: not a session", path,
                   line, GS_DOC_MAX_DEPTH);
          break;
        }
        stack[depth++] = node;
      }
      break;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (depth > 0) {
        --depth;
      }
      break;
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT: break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  if (st) {
    gs_doc_free(doc);
  }
  return st;
}

GsStatus gs_doc_load(const char *path, GsDoc *doc, GsError *err)
{
  *doc = (GsDoc){0};
  FILE *f = fopen(path, "rb");
  if (!f) {
    return gs_fail(err, GS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  }
  char *text = malloc(MAX_FILE_BYTES + 1);
  if (!text) {
    fclose(f);
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory", path);
  }
  const size_t size = fread(text, 1, MAX_FILE_BYTES + 1, f);
  const bool read_error = ferror(f);
  fclose(f);
  GsStatus st;
  if (read_error) {
    st = gs_fail(err, GS_ERR_IO, "%s: cannot read it", path);
  } else if (size > MAX_FILE_BYTES) {
    st = gs_fail(err, GS_ERR_FORMAT, "%s: larger than %u MiB: not a session", path,
             MAX_FILE_BYTES >> 20);
  } else {
    st = gs_doc_parse(path, text, size, doc, err);
  }
  free(text);
  return st;
}

const GsNode *gs_doc_get(const GsNode *map, const char *key)
{
  if (!map || map->kind != GS_NODE_MAPPING) {
    return NULL;
  }
  for (size_t i = 0; i + 1 < map->n_child; i += 2) {
    const GsNode *k = map->child[i];
    if (k->kind == GS_NODE_SCALAR && !strcmp(k->text, key)) {
      return map->child[i + 1];
    }
  }
  return NULL;
}

GsStatus gs_doc_fail(const GsDocContext *ctx, const GsNode *node, GsStatus status, GsError *err,
                     const char *fmt, ...)
{
  if (!err) {
    return status;
  }
  int len = snprintf(err->message, sizeof(err->message), "%s:%u: %s%s", ctx->doc->path,
                     node ? node->line : 1u, ctx->what ? ctx->what : "",
                     ctx->what ? ": " : "");
  if (len < 0 || (size_t)len >= sizeof(err->message)) {
    return status;
  }
  va_list args;
  va_start(args, fmt);
  vsnprintf(err->message + len, sizeof(err->message) - (size_t)len, fmt, args);
  va_end(args);
  return status;
}

// "a, b, c" from a NULL-terminated list.
static void join(const char *const *list, char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; list[i]; ++i) {
    const size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", i ? ", " : "", list[i]);
  }
}

GsStatus gs_doc_check_keys(const GsDocContext *ctx, const GsNode *map, const char *const *allowed,
                           GsError *err)
{
  if (!map || map->kind != GS_NODE_MAPPING) {
    return gs_doc_fail(ctx, map, GS_ERR_FORMAT, err, "expected a mapping of keys and values");
  }
  for (size_t i = 0; i + 1 < map->n_child; i += 2) {
    const GsNode *k = map->child[i];
    if (k->kind != GS_NODE_SCALAR) {
      return gs_doc_fail(ctx, k, GS_ERR_FORMAT, err, "a key must be a plain word");
    }
    bool known = false;
    for (size_t a = 0; allowed[a] && !known; ++a) {
      known = !strcmp(allowed[a], k->text);
    }
    if (!known) {
      char valid[400];
      join(allowed, valid, sizeof(valid));
      return gs_doc_fail(ctx, k, GS_ERR_UNKNOWN, err, "unknown key '%.60s' (valid: %s)", k->text,
                         valid);
    }
    for (size_t j = 0; j < i; j += 2) {
      if (!strcmp(map->child[j]->text, k->text)) {
        return gs_doc_fail(ctx, k, GS_ERR_FORMAT, err, "key '%.60s' appears twice", k->text);
      }
    }
  }
  return GS_OK;
}

static const GsNode *scalar(const GsDocContext *ctx, const GsNode *map, const char *key,
                            bool required, GsStatus *st, GsError *err)
{
  const GsNode *v = gs_doc_get(map, key);
  *st = GS_OK;
  if (!v) {
    if (required) {
      *st = gs_doc_fail(ctx, map, GS_ERR_FORMAT, err, "'%s' is missing", key);
    }
    return NULL;
  }
  if (v->kind != GS_NODE_SCALAR) {
    *st = gs_doc_fail(ctx, v, GS_ERR_FORMAT, err, "%s must be a single value", key);
    return NULL;
  }
  return v;
}

GsStatus gs_doc_number(const GsDocContext *ctx, const GsNode *map, const char *key, double lo,
                       double hi, const char *unit, bool required, double *out, GsError *err)
{
  GsStatus st;
  const GsNode *v = scalar(ctx, map, key, required, &st, err);
  if (!v) {
    return st;
  }
  char *end = NULL;
  errno = 0;
  const double x = strtod(v->text, &end);
  if (end == v->text || *end || errno || !isfinite(x)) {
    return gs_doc_fail(ctx, v, GS_ERR_FORMAT, err, "%s '%.40s' is not a number", key, v->text);
  }
  if (!(x >= lo && x <= hi)) {
    return gs_doc_fail(ctx, v, GS_ERR_RANGE, err, "%s %g is out of range (%g to %g%s%s)", key, x,
                       lo, hi, unit && *unit ? " " : "", unit ? unit : "");
  }
  *out = x;
  return GS_OK;
}

GsStatus gs_doc_bool(const GsDocContext *ctx, const GsNode *map, const char *key, bool *out,
                     GsError *err)
{
  GsStatus st;
  const GsNode *v = scalar(ctx, map, key, false, &st, err);
  if (!v) {
    return st;
  }
  if (!strcmp(v->text, "true") || !strcmp(v->text, "yes") || !strcmp(v->text, "on")) {
    *out = true;
  } else if (!strcmp(v->text, "false") || !strcmp(v->text, "no") || !strcmp(v->text, "off")) {
    *out = false;
  } else {
    return gs_doc_fail(ctx, v, GS_ERR_FORMAT, err, "%s '%.40s' is not true or false", key,
                       v->text);
  }
  return GS_OK;
}

GsStatus gs_doc_string(const GsDocContext *ctx, const GsNode *map, const char *key,
                       const char *const *choices, bool required, const char **out,
                       GsError *err)
{
  GsStatus st;
  const GsNode *v = scalar(ctx, map, key, required, &st, err);
  if (!v) {
    return st;
  }
  if (choices) {
    bool found = false;
    for (size_t i = 0; choices[i] && !found; ++i) {
      found = !strcmp(choices[i], v->text);
    }
    if (!found) {
      char valid[400];
      join(choices, valid, sizeof(valid));
      return gs_doc_fail(ctx, v, GS_ERR_UNKNOWN, err, "%s '%.40s' is not known (valid: %s)",
                         key, v->text, valid);
    }
  }
  *out = v->text;
  return GS_OK;
}
