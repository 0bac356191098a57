/* pv-admin-key.c: Provisio's own admin API key, rotated in place
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-admin-key"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "pv-admin-key.h"
#include "pv-credentials.h"
#include "pv-error.h"
#include "pv-json-read.h"
#include "pv-token.h"

/* A rotation in steps, each of which may fail (the process may even be
 * killed between two), so that the keyring always holds a key the tenant
 * accepts:
 *
 *  1. look up the current key (and so unlock the keyring) before asking;
 *  2. POST /api/v1/keys: the tenant issues the new key; the old one does not
 *     start to retire before the new one is used;
 *  3. keep the old key aside (admin-key-previous);
 *  4. store the new key in its place (admin-key): the keyring replaces an
 *     item at once, so it holds the old key or the new one, both valid;
 *  5. a request with the new key, which starts the old key's retirement;
 *  6. forget the old key.
 *
 * A failure before 4 leaves the old key in the keyring, and the tenant's
 * unused new key is revoked by the next rotation.  A failure at 5 leaves
 * the new key, not yet used, in the keyring, and the old one still works.
 * The errors say which of these happened. */

typedef struct {
  char         *tenant;
  PvClient     *client;
  PvClient     *new_client;
  char         *old_secret;
  PvRotatedKey *key;
  char         *label;
} Rotation;

void
pv_rotated_key_free (PvRotatedKey *key)
{
  if (key == NULL)
    return;
  pv_secret_free (key->secret);
  g_free (key->id);
  g_free (key->prefix);
  g_free (key->replaces);
  g_free (key);
}

static void
rotation_free (Rotation *r)
{
  g_free (r->tenant);
  g_clear_object (&r->client);
  g_clear_object (&r->new_client);
  g_clear_pointer (&r->old_secret, secret_password_free);
  g_clear_pointer (&r->key, pv_rotated_key_free);
  g_free (r->label);
  g_free (r);
}

/* The failure of a step, in words that say what state things are in. */
static void
fail (GTask      *task,
      GError     *cause,
      const char *format)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED) || format == NULL)
    g_task_return_error (task, cause);
  else
    {
      g_task_return_new_error (task, cause->domain, cause->code, format, cause->message);
      g_error_free (cause);
    }
  g_object_unref (task);
}

static void
previous_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Harmless if it stays: the old key retires on the tenant anyway. */
  if (!pv_credentials_clear_finish (result, &error))
    g_warning ("Could not forget the replaced admin API key of %s: %s", r->tenant, error->message);
  g_task_return_pointer (task, g_steal_pointer (&r->key), (GDestroyNotify) pv_rotated_key_free);
  g_object_unref (task);
}

static void
confirmed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;

  answer = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      fail (task, error,
            _("The new admin API key is in the keyring, but the tenant could not be asked with it yet (%s). "
              "The old key keeps working until the new one has been used"));
      return;
    }
  pv_credentials_clear_async (r->tenant, PV_CREDENTIAL_ADMIN_KEY_PREVIOUS, NULL,
                              previous_cleared_cb, task);
}

/* Steps 3 and 4: the keyring replaces an item at once, so a failure of
 * either leaves the old key in place. */
static gboolean
kept (GTask        *task,
      GAsyncResult *result)
{
  GError *error = NULL;

  if (pv_credentials_store_finish (result, &error))
    return TRUE;
  fail (task, error,
        _("The tenant issued a new admin API key, but the keyring did not keep it (%s). Nothing "
          "changed: the current key keeps working; renew it again"));
  return FALSE;
}

static void
new_stored_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);

  if (!kept (task, result))
    return;
  r->new_client = pv_client_new_with_key (r->client, r->key->secret);
  pv_client_request_async (r->new_client, "GET", "/api/v1/tenant", NULL, g_task_get_cancellable (task),
                           confirmed_cb, task);
}

static void
old_kept_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);

  if (!kept (task, result))
    return;
  /* Not cancellable from here on: the keyring must not stop half-way. */
  pv_credentials_store_async (r->tenant, PV_CREDENTIAL_ADMIN_KEY, r->label, r->key->secret, NULL,
                              new_stored_cb, task);
}

static void
rotated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *previous_label = NULL;
  JsonObject *key;
  const char *secret = NULL, *id = NULL, *prefix = NULL, *replaces = NULL;
  gint64 expires_at = 0;
  PvTokenKind kind;
  GError *error = NULL;

  answer = pv_client_request_finish (r->client, result, &error);
  if (answer == NULL)
    {
      fail (task, error, _("The admin API key was not renewed: %s"));
      return;
    }
  key = pv_json_object_member (answer, "key");
  if (!pv_json_read_string (answer, "secret", FALSE, &secret, &error) ||
      !pv_json_read_string (answer, "replaces", FALSE, &replaces, &error) ||
      !pv_json_read_string_in (key, "id", FALSE, &id, &error) ||
      !pv_json_read_string_in (key, "prefix", FALSE, &prefix, &error) ||
      !pv_json_read_time_in (key, "expires_at", FALSE, &expires_at, &error))
    {
      fail (task, error, _("The admin API key was not renewed: %s"));
      return;
    }
  if (!pv_token_is_well_formed (secret, &kind) || kind != PV_TOKEN_ADMIN)
    {
      fail (task, g_error_new_literal (PV_ERROR, PV_ERROR_INVALID_RESPONSE,
                                       _("the tenant answered with something that is not an admin API key")),
            _("The admin API key was not renewed: %s"));
      return;
    }

  r->key = g_new0 (PvRotatedKey, 1);
  r->key->secret = g_strdup (secret);
  r->key->id = g_strdup (id);
  r->key->prefix = g_strdup (prefix);
  r->key->expires_at = expires_at;
  r->key->replaces = g_strdup (replaces);

  /* Translators: the label of a replaced admin API key in the keyring, kept while it is renewed */
  previous_label = g_strdup_printf (_("Provisio admin API key for %s (%s), being replaced"),
                                    r->tenant, pv_client_get_base_url (r->client));
  pv_credentials_store_async (r->tenant, PV_CREDENTIAL_ADMIN_KEY_PREVIOUS, previous_label, r->old_secret,
                              NULL, old_kept_cb, task);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Rotation *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->old_secret = pv_credentials_lookup_finish (result, &error);
  if (r->old_secret == NULL)
    {
      fail (task, error, _("The admin API key was not renewed: %s"));
      return;
    }
  pv_client_request_async (r->client, "POST", "/api/v1/keys", NULL, g_task_get_cancellable (task),
                           rotated_cb, task);
}

/**
 * pv_admin_key_rotate_async:
 * @tenant: the tenant profile's id, under which the keyring holds its key
 * @client: a client with the tenant's current key (the keyring's)
 *
 * Renews the admin API key Provisio holds for the tenant, in the steps
 * described above; on success the keyring holds only the new key, which
 * the tenant has accepted.  Errors say what state the keys are in; in every
 * case the keyring holds a key the tenant accepts.
 */
void
pv_admin_key_rotate_async (const char          *tenant,
                           PvClient            *client,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Rotation *r = g_new0 (Rotation, 1);

  g_task_set_source_tag (task, pv_admin_key_rotate_async);
  r->tenant = g_strdup (tenant);
  r->client = g_object_ref (client);
  r->label = pv_credentials_admin_key_label (tenant, pv_client_get_base_url (client));
  g_task_set_task_data (task, r, (GDestroyNotify) rotation_free);
  pv_credentials_lookup_async (tenant, PV_CREDENTIAL_ADMIN_KEY, cancellable, looked_up_cb, task);
}

/**
 * pv_admin_key_rotate_finish:
 *
 * Returns: (transfer full): the new key, or %NULL with an error that says
 *   which key works now
 */
PvRotatedKey *
pv_admin_key_rotate_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_admin_key_rotate_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
