// SPDX-License-Identifier: ISC
// YAML documents: the tree, line numbers, and every error naming file, line
// and key with what would be valid.

#include "check.h"

#include "session/doc.h"

#include <string.h>

static const char text[] =
  "# a comment\n"
  "session:\n"
  "  rate_hz: 48000\n"
  "  armed: yes\n"
  "strips:\n"
  "  - name: kick\n"
  "    gain_db: 200\n"
  "    gian_db: 3\n"
  "  - name: snare\n"
  "    model: tubby\n"
  "    gain_db: loud\n";

static GsDoc load(void)
{
  GsDoc doc;
  GsError err;
  if (gs_doc_parse("s.yaml", text, strlen(text), &doc, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  return doc;
}

static void expect(GsStatus got, GsStatus want, const GsError *err, const char *message)
{
  assert_int_equal(got, want);
  if (!strstr(err->message, message)) {
    print_error("[%s] does not contain [%s]\n", err->message, message);
    fail();
  }
}

static void test_tree_and_values(void **state)
{
  (void)state;
  GsDoc doc = load();
  assert_int_equal(doc.root->kind, GS_NODE_MAPPING);
  const GsNode *session = gs_doc_get(doc.root, "session");
  assert_non_null(session);
  assert_int_equal(session->line, 3);
  GsDocContext ctx = {.doc = &doc, .what = "session"};
  double rate = 0.0;
  bool armed = false;
  GsError err;
  assert_int_equal(gs_doc_number(&ctx, session, "rate_hz", 44100, 192000, "Hz", true, &rate, &err),
                   GS_OK);
  GS_ASSERT_NEAR(rate, 48000.0, 0.0);
  assert_int_equal(gs_doc_bool(&ctx, session, "armed", &armed, &err), GS_OK);
  assert_true(armed);
  double untouched = 7.0;
  assert_int_equal(gs_doc_number(&ctx, session, "bits", 16, 32, "", false, &untouched, &err),
                   GS_OK);
  GS_ASSERT_NEAR(untouched, 7.0, 0.0);
  expect(gs_doc_number(&ctx, session, "bits", 16, 32, "", true, &untouched, &err), GS_ERR_FORMAT,
         &err, "s.yaml:3: session: 'bits' is missing");
  const GsNode *strips = gs_doc_get(doc.root, "strips");
  assert_int_equal(strips->kind, GS_NODE_SEQUENCE);
  assert_int_equal(strips->n_child, 2);
  gs_doc_free(&doc);
  gs_doc_free(&doc);  // twice is harmless
}

static void test_errors_name_line_and_key(void **state)
{
  (void)state;
  GsDoc doc = load();
  const GsNode *strips = gs_doc_get(doc.root, "strips");
  GsDocContext ctx = {.doc = &doc, .what = "strip 1 (kick)"};
  GsError err;
  double g = 0.0;
  expect(gs_doc_number(&ctx, strips->child[0], "gain_db", 0, 66, "dB", false, &g, &err),
         GS_ERR_RANGE, &err, "s.yaml:7: strip 1 (kick): gain_db 200 is out of range (0 to 66 dB)");
  static const char *const keys[] = {"name", "gain_db", "model", NULL};
  expect(gs_doc_check_keys(&ctx, strips->child[0], keys, &err), GS_ERR_UNKNOWN, &err,
         "s.yaml:8: strip 1 (kick): unknown key 'gian_db' (valid: name, gain_db, model)");
  ctx.what = "strip 2 (snare)";
  expect(gs_doc_number(&ctx, strips->child[1], "gain_db", 0, 66, "dB", false, &g, &err),
         GS_ERR_FORMAT, &err, "s.yaml:11: strip 2 (snare): gain_db 'loud' is not a number");
  static const char *const models[] = {"clean", "tube", NULL};
  const char *model = NULL;
  expect(gs_doc_string(&ctx, strips->child[1], "model", models, true, &model, &err),
         GS_ERR_UNKNOWN, &err, "s.yaml:10: strip 2 (snare): model 'tubby' is not known (valid: "
                               "clean, tube)");
  bool b;
  expect(gs_doc_bool(&ctx, strips->child[1], "name", &b, &err), GS_ERR_FORMAT, &err,
         "name 'snare' is not true or false");
  gs_doc_free(&doc);
}

static void test_syntax_errors(void **state)
{
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
    {"a: b: c\n", "s.yaml:1:5: mapping values are not allowed"},
    {"a: [1, 2\n", "s.yaml:2:1: did not find expected ',' or ']'"},
    {"a: &x 1\nb: *x\n", "s.yaml:1: anchors (&x) are not allowed"},
    {"a: 1\n---\nb: 2\n", "s.yaml:2: a session is one YAML document"},
    {"a: 1\na: 2\n", ""},  // duplicate keys are caught by gs_doc_check_keys
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    GsDoc doc;
    GsError err = {{0}};
    const GsStatus st = gs_doc_parse("s.yaml", cases[i].text, strlen(cases[i].text), &doc, &err);
    if (!*cases[i].message) {
      assert_int_equal(st, GS_OK);
      static const char *const keys[] = {"a", NULL};
      GsDocContext ctx = {.doc = &doc, .what = NULL};
      expect(gs_doc_check_keys(&ctx, doc.root, keys, &err), GS_ERR_FORMAT, &err,
             "s.yaml:2: key 'a' appears twice");
      gs_doc_free(&doc);
      continue;
    }
    assert_int_not_equal(st, GS_OK);
    assert_null(doc.root);
    if (!strstr(err.message, cases[i].message)) {
      print_error("case %zu: [%s] does not contain [%s]\n", i, err.message, cases[i].message);
      fail();
    }
  }
  // Nesting and size bounds.
  char deep[200] = {0};
  for (int i = 0; i < 40; ++i) {
    strcat(deep, "[");
  }
  GsDoc doc;
  GsError err;
  expect(gs_doc_parse("s.yaml", deep, strlen(deep), &doc, &err), GS_ERR_FORMAT, &err,
         "nested more than 32 deep");
  expect(gs_doc_load("/no/such/session.yaml", &doc, &err), GS_ERR_IO, &err,
         "/no/such/session.yaml: cannot open: No such file or directory");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tree_and_values),
    cmocka_unit_test(test_errors_name_line_and_key),
    cmocka_unit_test(test_syntax_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
