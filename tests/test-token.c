/* test-token.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pv-token.h"

static void
test_shape (void)
{
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *scim = pv_token_generate (PV_TOKEN_SCIM);
      g_autofree char *admin = pv_token_generate (PV_TOKEN_ADMIN);
      PvTokenKind kind;

      g_assert_cmpuint (strlen (scim), ==, PV_TOKEN_LENGTH);
      g_assert_true (g_str_has_prefix (scim, "pvs_"));
      g_assert_true (g_str_has_prefix (admin, "pva_"));
      g_assert_true (pv_token_is_well_formed (scim, &kind));
      g_assert_cmpint (kind, ==, PV_TOKEN_SCIM);
      g_assert_true (pv_token_is_well_formed (admin, &kind));
      g_assert_cmpint (kind, ==, PV_TOKEN_ADMIN);
      for (gsize j = 4; j < PV_TOKEN_LENGTH; j++)
        g_assert_true (g_ascii_isalnum (scim[j]));
    }
}

static void
test_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 10000; i++)
    g_assert_true (g_hash_table_add (seen, pv_token_generate (PV_TOKEN_SCIM)));
}

/* Every base62 character must turn up at every position: no bias towards a
 * part of the alphabet. */
static void
test_alphabet_coverage (void)
{
  guint counts[128] = { 0 };

  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *t = pv_token_generate (PV_TOKEN_SCIM);

      for (gsize j = 4; j < 47; j++)
        counts[(guchar) t[j]]++;
    }
  /* 86,000 characters over 62 symbols: about 1,387 each. */
  for (const char *c = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"; *c; c++)
    {
      g_assert_cmpuint (counts[(guchar) *c], >, 1100);
      g_assert_cmpuint (counts[(guchar) *c], <, 1700);
    }
}

static void
test_checksum_catches_typos (void)
{
  g_autofree char *token = pv_token_generate (PV_TOKEN_SCIM);

  for (gsize i = 4; i < PV_TOKEN_LENGTH; i++)
    {
      g_autofree char *typo = g_strdup (token);

      typo[i] = typo[i] == 'a' ? 'b' : 'a';
      g_assert_false (pv_token_is_well_formed (typo, NULL));
    }
}

static void
test_malformed (void)
{
  g_autofree char *token = pv_token_generate (PV_TOKEN_ADMIN);
  g_autofree char *truncated = g_strndup (token, PV_TOKEN_LENGTH - 1);
  g_autofree char *longer = g_strconcat (token, "x", NULL);
  g_autofree char *other = g_strdup (token);
  g_autofree char *space = g_strdup (token);

  other[0] = 'x';
  space[10] = ' ';
  g_assert_false (pv_token_is_well_formed (NULL, NULL));
  g_assert_false (pv_token_is_well_formed ("", NULL));
  g_assert_false (pv_token_is_well_formed (truncated, NULL));
  g_assert_false (pv_token_is_well_formed (longer, NULL));
  g_assert_false (pv_token_is_well_formed (other, NULL));
  g_assert_false (pv_token_is_well_formed (space, NULL));
}

static void
test_digest_and_prefix (void)
{
  g_autofree char *digest = pv_token_digest ("pvs_example");
  g_autofree char *token = pv_token_generate (PV_TOKEN_SCIM);
  g_autofree char *prefix = pv_token_display_prefix (token);
  g_autofree char *id = pv_random_id ("tok_");

  /* sha256("pvs_example"), computed independently with sha256sum */
  g_assert_cmpstr (digest, ==, "9c188f3aa95bad3065e6b4aadeb62d6f78750489440ead05763888fae03ff75b");
  g_assert_cmpuint (strlen (prefix), ==, PV_TOKEN_DISPLAY_LENGTH);
  g_assert_true (g_str_has_prefix (token, prefix));
  g_assert_cmpuint (strlen (id), ==, 16);
  g_assert_true (g_str_has_prefix (id, "tok_"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token/shape", test_shape);
  g_test_add_func ("/token/unique", test_unique);
  g_test_add_func ("/token/alphabet-coverage", test_alphabet_coverage);
  g_test_add_func ("/token/checksum-catches-typos", test_checksum_catches_typos);
  g_test_add_func ("/token/malformed", test_malformed);
  g_test_add_func ("/token/digest-and-prefix", test_digest_and_prefix);

  return g_test_run ();
}
