/* pv-tracked-add.c: tracking an app's token, checked before it is kept
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-credentials.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-probe.h"
#include "pv-profiles.h"
#include "pv-token.h"
#include "pv-tracked-add.h"
#include "pv-vendor.h"

/* What the app's Add an App window and provisioctl app add do: the base URL
 * and the dates checked, the pasted token trimmed, checked for shape and
 * tried against the vendor's SCIM endpoint with Entra's harmless request;
 * only then the token goes into the keyring and the app into apps.ini.
 * Any refusal leaves both as they were. */

typedef struct {
  GFile               *file;
  char                *id;
  char                *name;
  PvVendor            *vendor;
  PvTrackedConnection  draft;
  char                *token;
  PvTrackedApp        *saved;
} Track;

static void
track_free (Track *t)
{
  g_clear_object (&t->file);
  g_free (t->id);
  g_free (t->name);
  pv_vendor_free (t->vendor);
  g_free (t->draft.kind);
  g_free (t->draft.scim_base_url);
  pv_secret_free (t->token);
  pv_tracked_app_free (t->saved);
  g_free (t);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Track *t = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pv_tracked_apps_save_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&t->saved), (GDestroyNotify) pv_tracked_app_free);
}

static PvTrackedApp *
copy_app (const PvTrackedApp *app)
{
  PvTrackedApp *copy = pv_tracked_app_new (app->id, app->name, app->vendor);

  copy->demo = app->demo;
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *c = g_ptr_array_index (app->connections, i);
      PvTrackedConnection *d = pv_tracked_app_add_connection (copy, c->kind, c->scim_base_url);

      d->issued_at = c->issued_at;
      d->expires_at = c->expires_at;
      d->source = c->source;
      d->token_in_keyring = c->token_in_keyring;
      d->pending_since = c->pending_since;
    }
  return copy;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Track *t = g_task_get_task_data (task);
  g_autoptr(GPtrArray) apps = NULL;
  PvTrackedApp *app = NULL;
  PvTrackedConnection *connection;
  GCancellable *cancellable;
  GError *error = NULL;

  apps = pv_tracked_apps_load_finish (result, &error);
  if (apps == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < apps->len && app == NULL; i++)
    if (g_str_equal (((PvTrackedApp *) g_ptr_array_index (apps, i))->id, t->id))
      app = g_ptr_array_index (apps, i);
  if (app != NULL && g_strcmp0 (app->vendor, t->vendor->id) != 0)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_CONFLICT, _("“%s” is an app of %s already"),
                               t->id, app->vendor);
      return;
    }
  if (app == NULL)
    {
      app = pv_tracked_app_new (t->id, t->name ? t->name : t->vendor->name, t->vendor->id);
      g_ptr_array_add (apps, app);
    }
  else if (t->name != NULL)
    {
      g_free (app->name);
      app->name = g_strdup (t->name);
    }
  connection = pv_tracked_app_get_connection (app, t->draft.kind);
  if (connection == NULL)
    connection = pv_tracked_app_add_connection (app, t->draft.kind, t->draft.scim_base_url);
  g_free (connection->scim_base_url);
  connection->scim_base_url = g_strdup (t->draft.scim_base_url);
  connection->issued_at = t->draft.issued_at;
  connection->expires_at = t->draft.expires_at;
  connection->source = t->draft.source;
  connection->token_in_keyring = t->token != NULL;
  connection->pending_since = 0;
  t->saved = copy_app (app);
  cancellable = g_task_get_cancellable (task);
  pv_tracked_apps_save_async (t->file, apps, cancellable, saved_cb, g_steal_pointer (&task));
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Track *t = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!pv_credentials_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pv_tracked_apps_load_async (t->file, cancellable, loaded_cb, g_steal_pointer (&task));
}

static void
probed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Track *t = g_task_get_task_data (task);
  g_autoptr(PvProbeResult) probe = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *label = NULL;
  GCancellable *cancellable;
  GError *error = NULL;
  PvTrackedApp owner = { t->id, t->name ? t->name : t->vendor->name };

  probe = pv_probe_finish (result, &error);
  if (probe == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (probe->verdict != PV_PROBE_WORKS && probe->verdict != PV_PROBE_SLOW)
    {
      /* Translators: the SCIM base URL, then the probe's verdict in words */
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST, _("%s: %s; nothing was kept"),
                               t->draft.scim_base_url, probe->detail);
      return;
    }
  credential = pv_tracked_app_credential_id (&owner, t->draft.kind);
  /* Translators: "Users" or "Persons", then an app's name */
  label = g_strdup_printf (_("Provisioning token of %s for %s"), pv_guide_app_name (t->draft.kind), owner.name);
  cancellable = g_task_get_cancellable (task);
  pv_credentials_store_async (credential, PV_CREDENTIAL_APP_TOKEN, label, t->token, cancellable,
                              stored_cb, g_steal_pointer (&task));
}

/**
 * pv_tracked_app_track_async:
 * @apps_file: apps.ini
 *
 * Tracks one connection of an app: see the top of pv-tracked-add.c.
 */
void
pv_tracked_app_track_async (GFile                *apps_file,
                            const PvTrackRequest *request,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Track *t = g_new0 (Track, 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GError *error = NULL;

  g_task_set_source_tag (task, pv_tracked_app_track_async);
  g_task_set_task_data (task, t, (GDestroyNotify) track_free);
  t->file = g_object_ref (apps_file);
  t->id = g_strdup (request->id);
  t->name = request->name && *request->name ? g_strdup (request->name) : NULL;
  t->draft.kind = g_strdup (request->kind ? request->kind : "users");

  if (!pv_profile_id_is_valid (request->id))
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                               _("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores"),
                               request->id ? request->id : "");
      return;
    }
  if ((t->vendor = pv_vendor_lookup (request->vendor, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!pv_vendor_has_connection (t->vendor, t->draft.kind))
    {
      /* Translators: a vendor's name, then "users" or "persons" */
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST, _("%s has no %s connection"),
                               t->vendor->name, t->draft.kind);
      return;
    }
  t->draft.scim_base_url = g_strdup (request->scim_base_url && *request->scim_base_url ? request->scim_base_url
                                                                                    : t->vendor->scim_url);
  if (t->draft.scim_base_url == NULL)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                               _("%s has no one SCIM base URL for all: enter yours"), t->vendor->name);
      return;
    }
  if (!pv_tracked_app_check_url (t->draft.scim_base_url, &error) ||
      (request->pasted != NULL && (t->token = pv_tracked_token_clean (request->pasted, &error)) == NULL) ||
      !pv_tracked_connection_set_dates (&t->draft, t->vendor, t->token, request->issued_at,
                                        request->entered_expiry, now, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (t->token == NULL)
    {
      pv_tracked_apps_load_async (t->file, cancellable, loaded_cb, g_steal_pointer (&task));
      return;
    }
  pv_probe_token_async (t->draft.scim_base_url, t->token, NULL, cancellable, probed_cb, g_steal_pointer (&task));
}

/**
 * pv_tracked_app_track_finish:
 *
 * Returns: (transfer full): the app as saved, or %NULL with an error that
 *   says what was refused; then nothing was kept
 */
PvTrackedApp *
pv_tracked_app_track_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_app_track_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
