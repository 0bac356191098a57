/* pv-token.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-token"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "pv-token.h"

#define ENTROPY_CHARS 43
#define CHECKSUM_CHARS 6

static const char base62[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      /* getrandom() only fails on EINTR or on a kernel without it; a token
       * from a weaker source would be worse than no token at all. */
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

/* Unbiased base62 characters: bytes >= 248 (4 × 62) are rejected. */
static void
fill_base62 (char  *out,
             gsize  n_chars)
{
  guint8 pool[64];
  gsize used = sizeof pool;
  gsize i = 0;

  while (i < n_chars)
    {
      if (used == sizeof pool)
        {
          fill_random (pool, sizeof pool);
          used = 0;
        }
      if (pool[used] < 248)
        out[i++] = base62[pool[used] % 62];
      used++;
    }
}

static guint32
crc32_ieee (const char *data,
            gsize       len)
{
  guint32 crc = 0xFFFFFFFFu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint8) data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xFFFFFFFFu;
}

static void
encode_checksum (const char *data,
                 gsize       len,
                 char        out[CHECKSUM_CHARS])
{
  guint32 crc = crc32_ieee (data, len);

  for (int i = CHECKSUM_CHARS - 1; i >= 0; i--)
    {
      out[i] = base62[crc % 62];
      crc /= 62;
    }
}

/**
 * pv_token_kind_prefix:
 * @kind: a #PvTokenKind
 *
 * Returns: (transfer none): `pvs_` or `pva_`
 */
const char *
pv_token_kind_prefix (PvTokenKind kind)
{
  switch (kind)
    {
    case PV_TOKEN_SCIM:
      return "pvs_";
    case PV_TOKEN_ADMIN:
      return "pva_";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * pv_token_generate:
 * @kind: which kind of secret
 *
 * Creates a new secret from the kernel's CSPRNG.
 *
 * Returns: (transfer full): the secret; show it once, store only its digest
 */
char *
pv_token_generate (PvTokenKind kind)
{
  char *token = g_malloc (PV_TOKEN_LENGTH + 1);

  memcpy (token, pv_token_kind_prefix (kind), 4);
  fill_base62 (token + 4, ENTROPY_CHARS);
  encode_checksum (token, 4 + ENTROPY_CHARS, token + 4 + ENTROPY_CHARS);
  token[PV_TOKEN_LENGTH] = '\0';

  return token;
}

/**
 * pv_token_is_well_formed:
 * @token: (nullable): a string that may be a token
 * @out_kind: (out) (optional): the kind of token
 *
 * Checks the prefix, the alphabet and the checksum, without any lookup.
 * A typo, a truncated paste or a token of another product fails here.
 *
 * Returns: %TRUE if @token has the shape of a Provisio token
 */
gboolean
pv_token_is_well_formed (const char  *token,
                         PvTokenKind *out_kind)
{
  char expected[CHECKSUM_CHARS];
  PvTokenKind kind;

  if (token == NULL || strlen (token) != PV_TOKEN_LENGTH)
    return FALSE;

  if (strncmp (token, "pvs_", 4) == 0)
    kind = PV_TOKEN_SCIM;
  else if (strncmp (token, "pva_", 4) == 0)
    kind = PV_TOKEN_ADMIN;
  else
    return FALSE;

  for (gsize i = 4; i < PV_TOKEN_LENGTH; i++)
    if (!g_ascii_isalnum (token[i]))
      return FALSE;

  encode_checksum (token, 4 + ENTROPY_CHARS, expected);
  if (memcmp (expected, token + 4 + ENTROPY_CHARS, CHECKSUM_CHARS) != 0)
    return FALSE;

  if (out_kind != NULL)
    *out_kind = kind;
  return TRUE;
}

/**
 * pv_token_digest:
 * @token: a secret
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of @token, the only
 *   form in which a server keeps it
 */
char *
pv_token_digest (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * pv_token_display_prefix:
 * @token: a secret
 *
 * Returns: (transfer full): the first %PV_TOKEN_DISPLAY_LENGTH characters,
 *   enough for an admin to tell tokens apart and nowhere near enough to use one
 */
char *
pv_token_display_prefix (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_strndup (token, PV_TOKEN_DISPLAY_LENGTH);
}

/**
 * pv_random_id:
 * @prefix: a short prefix such as `tok_`
 *
 * Returns: (transfer full): a public identifier with 72 random bits; not a
 *   secret, but unguessable so that ids do not reveal how many exist
 */
char *
pv_random_id (const char *prefix)
{
  char body[13];

  fill_base62 (body, 12);
  body[12] = '\0';
  return g_strconcat (prefix, body, NULL);
}

/**
 * pv_secret_free:
 * @secret: (nullable): a token, key or refresh token
 *
 * Zeroes @secret, then frees it, so that it does not linger in freed memory.
 */
void
pv_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
