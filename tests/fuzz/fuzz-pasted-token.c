/* fuzz-pasted-token.c: a token as an admin pastes it for a tracked app
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is whatever was pasted: pv_tracked_token_clean() trims and
 * checks it, pv_jwt_read_times() reads a JWT's dates, as the renew
 * assistant and provisioctl app do.
 */

#include "config.h"

#include "fuzz.h"
#include "pv-token.h"
#include "pv-tracked-app.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  gint64 issued_at = -1, expires_at = -1;
  char *token;

  fuzz_setup ();
  token = pv_tracked_token_clean (text, &error);
  g_assert ((token == NULL) == (error != NULL));
  if (token == NULL)
    return 0;
  if (pv_jwt_read_times (token, &issued_at, &expires_at, &error))
    g_assert (error == NULL && issued_at >= 0 && expires_at >= 0);
  else
    g_assert (error != NULL && expires_at == 0);
  pv_secret_free (token);
  return 0;
}
