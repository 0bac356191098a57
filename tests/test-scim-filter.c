/* test-scim-filter.c: SCIM filters and PATCH paths, parsed and evaluated
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pvd-scim-filter.h"
#include "pvd-scim-patch.h"

static const char user_json[] =
  "{\"userName\": \"BJensen@Example.com\", \"id\": \"2819c223\", \"externalId\": \"Abc\","
  " \"active\": true, \"title\": \"Tour Guide\", \"loginCount\": 42,"
  " \"name\": {\"familyName\": \"Jensen\", \"givenName\": \"Barbara\"},"
  " \"emails\": [{\"value\": \"bjensen@example.com\", \"type\": \"work\", \"primary\": true},"
  "              {\"value\": \"babs@jensen.org\", \"type\": \"home\"}],"
  " \"meta\": {\"lastModified\": \"2026-05-13T04:42:34Z\", \"resourceType\": \"User\"},"
  " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"employeeNumber\": \"701984\","
  "   \"manager\": {\"value\": \"26118915\"}},"
  " \"nickName\": \"\", \"phoneNumbers\": []}";

static JsonObject *
user (void)
{
  g_autoptr(JsonNode) node = json_from_string (user_json, NULL);

  g_assert_nonnull (node);
  return json_node_dup_object (node);
}

static gboolean
case_exact (const char *path,
            gpointer    user_data)
{
  return g_ascii_strcasecmp (path, "id") == 0 || g_ascii_strcasecmp (path, "externalId") == 0;
}

static gboolean
matches (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimFilter) filter = pvd_scim_filter_parse (text, &error);
  g_autoptr(JsonObject) u = user ();

  if (filter == NULL)
    g_error ("“%s” did not parse: %s", text, error->message);
  return pvd_scim_filter_matches (filter, u, case_exact);
}

static void
test_operators (void)
{
  const char *yes[] = {
    "userName eq \"bjensen@example.com\"",          /* userName is not caseExact */
    "USERNAME EQ \"BJENSEN@EXAMPLE.COM\"",
    "userName ne \"someone\"",
    "userName co \"jensen\"", "userName sw \"BJ\"", "userName ew \".COM\"",
    "title pr", "name.familyName pr", "emails pr",
    "loginCount gt 41", "loginCount ge 42", "loginCount lt 43.5", "loginCount le 42",
    "loginCount eq 42",
    "active eq true", "active ne false",
    "meta.lastModified gt \"2011-05-13T04:42:34Z\"",
    "meta.lastModified lt \"2027-01-01T00:00:00Z\"",
    "emails.value eq \"babs@jensen.org\"", "emails.type eq \"home\"",
    "emails[type eq \"work\" and value co \"@example.com\"]",
    "emails[type eq \"home\"]",
    "externalId eq \"Abc\"", "id eq \"2819c223\"",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915\"",
    "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bjen\"",
    "nickName eq null", "phoneNumbers eq null", "displayName eq null", "title ne null",
    "not (userName eq \"x\")", "not(userName eq \"x\")",
  };
  const char *no[] = {
    "userName eq \"bjensen\"", "userName ne \"BJensen@example.com\"",
    "externalId eq \"abc\"", "id eq \"2819C223\"",               /* caseExact */
    "nickName pr", "phoneNumbers pr", "displayName pr", "nosuch eq \"x\"",
    "loginCount gt 42", "loginCount lt 42", "active eq false", "active gt true",
    "emails[type eq \"work\" and value co \"jensen.org\"]",
    "emails.value eq \"other@example.com\"",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"1\"",
    "title eq null", "not (title pr)", "userName eq 42",
  };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (!matches (yes[i]))
      g_error ("should match: %s", yes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (matches (no[i]))
      g_error ("should not match: %s", no[i]);
}

static void
test_logic (void)
{
  /* not > and > or, and parentheses */
  g_assert_true (matches ("title eq \"x\" or userName sw \"b\" and active eq true"));
  g_assert_false (matches ("(title eq \"x\" or userName sw \"b\") and active eq false"));
  g_assert_true (matches ("title eq \"x\" or (userName sw \"b\" and active eq true)"));
  g_assert_true (matches ("userName sw \"b\" and not (active eq false) and emails[type eq \"work\"]"));
  g_assert_false (matches ("not (userName sw \"b\") or title eq \"x\""));
  g_assert_true (matches ("((((((userName pr))))))"));
  g_assert_true (matches ("title pr AND userName pr Or nosuch pr"));

  /* Entra's value path with a sub-attribute: the same element must match */
  g_assert_true (matches ("emails[type eq \"work\"].value eq \"bjensen@example.com\""));
  g_assert_true (matches ("emails[type eq \"work\" and value eq \"bjensen@example.com\"]"));
  g_assert_false (matches ("emails[type eq \"work\"].value eq \"babs@jensen.org\""));
  g_assert_false (matches ("emails[type eq \"home\"].value eq \"bjensen@example.com\""));
  g_assert_true (matches ("emails[type eq \"home\"].value pr and userName pr"));
  g_assert_true (matches ("emails[primary eq true].value sw \"BJENSEN\""));
  g_assert_false (matches ("emails[type eq \"work\"].display pr"));
}

/* The example filters of RFC 7644 §3.4.2.2 all parse. */
static void
test_rfc_examples (void)
{
  const char *examples[] = {
    "userName Eq \"john\"",
    "name.familyName co \"O'Malley\"",
    "userName eq \"bjensen\"",
    "userName co \"jensen\"",
    "userName sw \"J\"",
    "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"",
    "title pr",
    "meta.lastModified gt \"2011-05-13T04:42:34Z\"",
    "meta.lastModified ge \"2011-05-13T04:42:34Z\"",
    "meta.lastModified lt \"2011-05-13T04:42:34Z\"",
    "meta.lastModified le \"2011-05-13T04:42:34Z\"",
    "title pr and userType eq \"Employee\"",
    "title pr or userType eq \"Intern\"",
    "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"",
    "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
    "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
    "userType eq \"Employee\" and (emails.type eq \"work\")",
    "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
    "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvdScimFilter) f = pvd_scim_filter_parse (examples[i], &error);

      if (f == NULL)
        g_error ("“%s”: %s", examples[i], error->message);
    }
}

static void
test_malformed (void)
{
  g_autofree char *long_filter = NULL;
  GString *nested = g_string_new (NULL);
  const char *bad[] = {
    "", "   ", "userName", "userName eq", "userName eq \"x", "(userName eq \"x\"",
    "userName eq \"x\")", "userName foo \"x\"", "emails[type eq \"work\"", "and",
    "userName eq \"x\" and", "title pr and", "not userName eq \"x\"", "userName eq x",
    "userName eq 'x'", "\"x\" eq userName", "1abc eq \"x\"", "userName eq \"x\" garbage",
    "emails[]", "userName eq \"\\q\"", "a..b eq \"x\"", "userName eq \"x\" or or title pr",
    "userName eq 1.2.3", "userName eq -",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvdScimFilter) f = pvd_scim_filter_parse (bad[i], &error);

      if (f != NULL)
        g_error ("accepted: “%s”", bad[i]);
      g_assert_error (error, PVD_SCIM_FILTER_ERROR, PVD_SCIM_FILTER_ERROR_INVALID_FILTER);
      g_assert_nonnull (strstr (error->message, "position") ? error->message : strstr (error->message, "filter"));
    }

  long_filter = g_strnfill (PVD_SCIM_FILTER_MAX_LENGTH + 1, 'a');
  g_assert_null (pvd_scim_filter_parse (long_filter, NULL));

  for (int i = 0; i < 100; i++)
    g_string_append_c (nested, '(');
  g_string_append (nested, "title pr");
  for (int i = 0; i < 100; i++)
    g_string_append_c (nested, ')');
  g_assert_null (pvd_scim_filter_parse (nested->str, NULL));
  g_string_free (nested, TRUE);
}

static void
test_limits (void)
{
  GString *wide = g_string_new ("title pr");
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimFilter) f = NULL;

  for (int i = 0; i < 250; i++)
    g_string_append (wide, " or title pr");
  f = pvd_scim_filter_parse (wide->str, &error);
  g_assert_null (f);
  g_assert_nonnull (strstr (error->message, "parts"));
  g_string_free (wide, TRUE);
}

static void
test_simple_eq (void)
{
  g_autoptr(PvdScimFilter) a = pvd_scim_filter_parse ("userName EQ \"X@y\"", NULL);
  g_autoptr(PvdScimFilter) b = pvd_scim_filter_parse ("urn:ietf:params:scim:schemas:core:2.0:User:externalId eq \"7\"", NULL);
  g_autoptr(PvdScimFilter) c = pvd_scim_filter_parse ("userName eq \"x\" and title pr", NULL);
  g_autoptr(PvdScimFilter) d = pvd_scim_filter_parse ("loginCount eq 4", NULL);
  const char *attribute, *value;

  g_assert_true (pvd_scim_filter_is_simple_eq (a, &attribute, &value));
  g_assert_cmpstr (attribute, ==, "userName");
  g_assert_cmpstr (value, ==, "X@y");
  g_assert_true (pvd_scim_filter_is_simple_eq (b, &attribute, &value));
  g_assert_cmpstr (attribute, ==, "externalId");
  g_assert_false (pvd_scim_filter_is_simple_eq (c, &attribute, &value));
  g_assert_false (pvd_scim_filter_is_simple_eq (d, &attribute, &value));
}

static void
test_paths (void)
{
  struct { const char *text, *attribute, *sub; gboolean filter; } good[] = {
    { "userName", "userName", NULL, FALSE },
    { "name.givenName", "name.givenName", NULL, FALSE },
    { "emails[type eq \"work\"].value", "emails", "value", TRUE },
    { "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]", "members", NULL, TRUE },
    { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", NULL, FALSE },
  };
  const char *bad[] = { "", "emails[type eq \"work\"", "emails[type eq \"work\"].", "a b", "emails[x]", "1x" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvdScimPath) p = pvd_scim_path_parse (good[i].text, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (pvd_scim_path_get_attribute (p), ==, good[i].attribute);
      g_assert_cmpstr (pvd_scim_path_get_sub_attribute (p), ==, good[i].sub);
      g_assert_true ((pvd_scim_path_get_filter (p) != NULL) == good[i].filter);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvdScimPath) p = pvd_scim_path_parse (bad[i], &error);

      if (p != NULL)
        g_error ("accepted path: “%s”", bad[i]);
      g_assert_error (error, PVD_SCIM_FILTER_ERROR, PVD_SCIM_FILTER_ERROR_INVALID_PATH);
    }
}

/* PATCH as Entra and Okta send it. */
static char *
patch (const char *resource,
       const char *operations,
       GError    **error)
{
  g_autoptr(JsonNode) r = json_from_string (resource, NULL);
  g_autofree char *body = g_strdup_printf ("{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                                           " \"Operations\": %s}", operations);
  g_autoptr(JsonNode) b = json_from_string (body, NULL);

  g_assert_nonnull (r);
  g_assert_nonnull (b);
  /* a group is a resource without a userName */
  if (!pvd_scim_patch_apply (json_node_get_object (r), json_node_get_object (b),
                             strstr (resource, "\"userName\"") != NULL
                             ? "urn:ietf:params:scim:schemas:core:2.0:User"
                             : "urn:ietf:params:scim:schemas:core:2.0:Group", error))
    return NULL;
  return json_to_string (r, FALSE);
}

static void
assert_patch (const char *resource,
              const char *operations,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = patch (resource, operations, &error);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = json_from_string (expected, NULL);

  g_assert_no_error (error);
  a = json_from_string (result, NULL);
  if (!json_node_equal (a, b))
    g_error ("%s\n  gave %s\n  expected %s", operations, result, expected);
}

static void
test_patch (void)
{
  /* Entra: capitalised op, path-less replace with dotted keys */
  assert_patch ("{\"userName\":\"a\",\"name\":{\"givenName\":\"A\"}}",
                "[{\"op\":\"Replace\",\"value\":{\"name.givenName\":\"B\",\"title\":\"T\"}}]",
                "{\"userName\":\"a\",\"name\":{\"givenName\":\"B\"},\"title\":\"T\"}");
  /* replacing emails[type eq "work"].value where there is no work address */
  assert_patch ("{\"userName\":\"a\",\"emails\":[{\"type\":\"home\",\"value\":\"h@x\"}]}",
                "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"w@x\"}]",
                "{\"userName\":\"a\",\"emails\":[{\"type\":\"home\",\"value\":\"h@x\"},{\"type\":\"work\",\"value\":\"w@x\"}]}");
  assert_patch ("{\"userName\":\"a\",\"emails\":[{\"type\":\"work\",\"value\":\"old@x\"}]}",
                "[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"new@x\"}]",
                "{\"userName\":\"a\",\"emails\":[{\"type\":\"work\",\"value\":\"new@x\"}]}");
  /* members: add (no duplicates), remove by filter, remove by a list of values */
  assert_patch ("{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"}]}",
                "[{\"op\":\"Add\",\"path\":\"members\",\"value\":[{\"value\":\"1\"},{\"value\":\"2\"},{\"value\":\"3\"}]}]",
                "{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"},{\"value\":\"2\"},{\"value\":\"3\"}]}");
  assert_patch ("{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"},{\"value\":\"2\"},{\"value\":\"3\"}]}",
                "[{\"op\":\"Remove\",\"path\":\"members[value eq \\\"2\\\"]\"}]",
                "{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"},{\"value\":\"3\"}]}");
  assert_patch ("{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"},{\"value\":\"2\"},{\"value\":\"3\"}]}",
                "[{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"1\"},{\"value\":\"3\"}]}]",
                "{\"displayName\":\"g\",\"members\":[{\"value\":\"2\"}]}");
  assert_patch ("{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"}]}",
                "[{\"op\":\"remove\",\"path\":\"members\"}]",
                "{\"displayName\":\"g\"}");
  /* the enterprise extension, by URN path and as a path-less object */
  assert_patch ("{\"userName\":\"a\"}",
                "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\",\"value\":{\"value\":\"m1\"}}]",
                "{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"manager\":{\"value\":\"m1\"}}}");
  assert_patch ("{\"userName\":\"a\"}",
                "[{\"op\":\"replace\",\"value\":{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":\"7\"}}}]",
                "{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"employeeNumber\":\"7\"}}");
  /* the whole extension by its URN: matched before "…:2.0" and "User" */
  assert_patch ("{\"userName\":\"a\"}",
                "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"value\":{\"department\":\"D\"}}]",
                "{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"D\"}}");
  assert_patch ("{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"D\",\"division\":\"V\"}}",
                "[{\"op\":\"replace\",\"path\":\"URN:ietf:params:scim:schemas:extension:enterprise:2.0:user\",\"value\":{\"department\":\"E\"}}]",
                "{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"E\",\"division\":\"V\"}}");
  assert_patch ("{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"department\":\"D\"}}",
                "[{\"op\":\"remove\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"}]",
                "{\"userName\":\"a\"}");
  /* the core schema's URN before an attribute is the resource itself */
  assert_patch ("{\"userName\":\"a\"}",
                "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:core:2.0:User:title\",\"value\":\"T\"}]",
                "{\"userName\":\"a\",\"title\":\"T\"}");
  /* path-less: a member no schema declares is dropped, as in a POST */
  assert_patch ("{\"userName\":\"a\"}",
                "[{\"op\":\"add\",\"value\":{\"bogusAttr\":1,\"name.bogusSub\":\"x\",\"urn:example:foo:bar\":{\"a\":1},\"title\":\"T\"}}]",
                "{\"userName\":\"a\",\"title\":\"T\"}");
  /* Okta and Entra deactivating; the string boolean is the caller's to normalise */
  assert_patch ("{\"userName\":\"a\",\"active\":true}",
                "[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"False\"}]",
                "{\"userName\":\"a\",\"active\":\"False\"}");
  /* attribute names without regard to case */
  assert_patch ("{\"userName\":\"a\",\"displayName\":\"x\"}",
                "[{\"op\":\"replace\",\"path\":\"DISPLAYNAME\",\"value\":\"y\"}]",
                "{\"userName\":\"a\",\"displayName\":\"y\"}");
}

static void
test_patch_errors (void)
{
  struct { const char *operations; int code; } bad[] = {
    { "[]", PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX },
    { "[{\"op\":\"move\",\"path\":\"title\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX },
    { "[{\"op\":\"remove\"}]", PVD_SCIM_PATCH_ERROR_NO_TARGET },
    { "[{\"op\":\"replace\",\"path\":\"emails[type eq\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_MUTABILITY },
    { "[{\"op\":\"add\",\"path\":\"title\"}]", PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX },
    { "[{\"op\":\"replace\",\"value\":\"not an object\"}]", PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX },
    { "[\"op\"]", PVD_SCIM_PATCH_ERROR_INVALID_SYNTAX },
    { "[{\"op\":\"replace\",\"path\":7,\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    /* paths the schemas do not resolve */
    { "[{\"op\":\"add\",\"path\":\"bogusAttr\",\"value\":1}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"replace\",\"path\":\"name.bogusSub\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"].bogus\"}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0\",\"value\":{}}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:Users\",\"value\":{}}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:bogus\",\"value\":1}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"add\",\"path\":\"urn:example:foo:bar\",\"value\":{}}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:core:2.0:User\",\"value\":{}}]", PVD_SCIM_PATCH_ERROR_INVALID_PATH },
    { "[{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_INVALID_VALUE },
    { "[{\"op\":\"replace\",\"path\":\"groups\",\"value\":[]}]", PVD_SCIM_PATCH_ERROR_MUTABILITY },
    { "[{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName\",\"value\":\"x\"}]", PVD_SCIM_PATCH_ERROR_MUTABILITY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = patch ("{\"userName\":\"a\"}", bad[i].operations, &error);

      if (result != NULL)
        g_error ("accepted: %s", bad[i].operations);
      g_assert_error (error, PVD_SCIM_PATCH_ERROR, bad[i].code);
    }

  /* a member's value is immutable (RFC 7643 §8.7.1): set once */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *result = patch ("{\"displayName\":\"g\",\"members\":[{\"value\":\"1\"}]}",
                                     "[{\"op\":\"replace\",\"path\":\"members[value eq \\\"1\\\"].value\",\"value\":\"2\"}]",
                                     &error);

    g_assert_null (result);
    g_assert_error (error, PVD_SCIM_PATCH_ERROR, PVD_SCIM_PATCH_ERROR_MUTABILITY);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scim-filter/operators", test_operators);
  g_test_add_func ("/scim-filter/logic", test_logic);
  g_test_add_func ("/scim-filter/rfc-examples", test_rfc_examples);
  g_test_add_func ("/scim-filter/malformed", test_malformed);
  g_test_add_func ("/scim-filter/limits", test_limits);
  g_test_add_func ("/scim-filter/simple-eq", test_simple_eq);
  g_test_add_func ("/scim-path/parse", test_paths);
  g_test_add_func ("/scim-patch/apply", test_patch);
  g_test_add_func ("/scim-patch/errors", test_patch_errors);

  return g_test_run ();
}
