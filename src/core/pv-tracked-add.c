/* pv-tracked-add.c: tracking an app's token, checked before it is kept
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tracked-add"

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
      d->pending_issued_at = c->pending_issued_at;
      d->pending_expires_at = c->pending_expires_at;
      d->pending_source = c->pending_source;
      d->sent_at = c->sent_at;
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
  connection->pending_issued_at = connection->pending_expires_at = connection->sent_at = 0;
  connection->pending_source = PV_EXPIRY_SOURCE_UNKNOWN;
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_app_track_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Renewing, paste once: the new token tried like a first one, then kept in
 * the keyring as not yet handed over, its dates noted beside the old
 * token's; once the identity provider has it (through Graph: once Entra's
 * next cycle succeeded with it), it becomes the app's token, its dates the
 * connection's, and the old one is forgotten.
 * Closing between the two loses nothing: the pending token waits in the
 * keyring, and apps.ini says since when. */

typedef struct {
  GFile        *file;
  char         *id;
  char         *kind;
  char         *pasted;
  char         *token;
  gint64        issued_at;
  gint64        entered_expiry;
  PvTrackedApp *saved;
  GPtrArray    *apps;
} Paste;

static void
paste_free (Paste *p)
{
  g_clear_object (&p->file);
  g_free (p->id);
  g_free (p->kind);
  pv_secret_free (p->pasted);
  pv_secret_free (p->token);
  pv_tracked_app_free (p->saved);
  g_clear_pointer (&p->apps, g_ptr_array_unref);
  g_free (p);
}

static PvTrackedConnection *
find_connection (GPtrArray     *apps,
                 const char    *id,
                 const char    *kind,
                 PvTrackedApp **app_out)
{
  for (guint i = 0; i < apps->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (apps, i);

      if (g_str_equal (app->id, id))
        {
          *app_out = app;
          return pv_tracked_app_get_connection (app, kind);
        }
    }
  return NULL;
}

static void
paste_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pv_tracked_apps_save_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&p->saved), (GDestroyNotify) pv_tracked_app_free);
}

static void
pending_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!pv_credentials_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pv_tracked_apps_save_async (p->file, p->apps, cancellable, paste_saved_cb, g_steal_pointer (&task));
}

static void
paste_probed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(PvProbeResult) probe = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *label = NULL;
  PvTrackedConnection *connection, draft = { 0 };
  PvTrackedApp *app = NULL;
  GError *error = NULL;

  probe = pv_probe_finish (result, &error);
  if (probe == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  connection = find_connection (p->apps, p->id, p->kind, &app);
  if (probe->verdict != PV_PROBE_WORKS && probe->verdict != PV_PROBE_SLOW)
    {
      /* A token the vendor refuses goes no further. */
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_INVALID_REQUEST, _("%s: %s; nothing was kept"),
                               connection->scim_base_url, probe->detail);
      return;
    }
  {
    g_autoptr(PvVendor) vendor = pv_vendor_lookup (app->vendor, NULL);

    if (vendor == NULL)
      vendor = pv_vendor_lookup ("other", NULL);
    /* Checked before the probe; set on the saved connection now. */
    pv_tracked_connection_set_dates (&draft, vendor, p->token, p->issued_at, p->entered_expiry,
                                     g_get_real_time () / G_USEC_PER_SEC, NULL);
  }
  /* Recorded as the connection's once the identity provider has it */
  connection->pending_issued_at = draft.issued_at;
  connection->pending_expires_at = draft.expires_at;
  connection->pending_source = draft.source;
  connection->pending_since = g_get_real_time () / G_USEC_PER_SEC;
  connection->sent_at = 0;
  p->saved = copy_app (app);
  credential = pv_tracked_app_credential_id (app, p->kind);
  /* Translators: "Users" or "Persons", then an app's name */
  label = g_strdup_printf (_("Provisioning token of %s for %s"), pv_guide_app_name (p->kind), app->name);
  pv_credentials_store_async (credential, PV_CREDENTIAL_APP_TOKEN_PENDING, label, p->token, cancellable,
                              pending_stored_cb, g_steal_pointer (&task));
}

static void
paste_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(PvVendor) vendor = NULL;
  PvTrackedConnection *connection, draft = { 0 };
  PvTrackedApp *app = NULL;
  GError *error = NULL;

  p->apps = pv_tracked_apps_load_finish (result, &error);
  if (p->apps == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  connection = find_connection (p->apps, p->id, p->kind, &app);
  if (connection == NULL)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_NOT_FOUND, _("No app “%s” with a %s connection"),
                               p->id, p->kind);
      return;
    }
  vendor = pv_vendor_lookup (app->vendor, NULL);
  if (vendor == NULL)
    vendor = pv_vendor_lookup ("other", NULL);
  if ((p->token = pv_tracked_token_clean (p->pasted, &error)) == NULL ||
      !pv_tracked_connection_set_dates (&draft, vendor, p->token, p->issued_at, p->entered_expiry,
                                        g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pv_probe_token_async (connection->scim_base_url, p->token, NULL, cancellable, paste_probed_cb,
                        g_steal_pointer (&task));
}

/**
 * pv_tracked_app_paste_async:
 * @pasted: the new token as pasted
 *
 * Takes a tracked connection's new token once: see above.
 */
void
pv_tracked_app_paste_async (GFile               *apps_file,
                            const char          *id,
                            const char          *kind,
                            const char          *pasted,
                            gint64               issued_at,
                            gint64               entered_expiry,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Paste *p = g_new0 (Paste, 1);

  g_task_set_source_tag (task, pv_tracked_app_paste_async);
  g_task_set_task_data (task, p, (GDestroyNotify) paste_free);
  p->file = g_object_ref (apps_file);
  p->id = g_strdup (id);
  p->kind = g_strdup (kind);
  p->pasted = g_strdup (pasted);
  p->issued_at = issued_at;
  p->entered_expiry = entered_expiry;
  pv_tracked_apps_load_async (apps_file, cancellable, paste_loaded_cb, task);
}

/**
 * pv_tracked_app_paste_finish:
 * @token: (out) (optional): the token as kept, to hand over; free it with
 *   pv_secret_free()
 *
 * Returns: (transfer full): the app as saved, its connection waiting to be
 *   handed over, or %NULL with an error; then nothing was kept
 */
PvTrackedApp *
pv_tracked_app_paste_finish (GAsyncResult  *result,
                             char         **token,
                             GError       **error)
{
  Paste *p;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_app_paste_async, NULL);
  p = g_task_get_task_data (G_TASK (result));
  if (token != NULL)
    *token = g_task_had_error (G_TASK (result)) ? NULL : g_strdup (p->token);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
old_cleared_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!pv_credentials_clear_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pv_tracked_apps_save_async (p->file, p->apps, cancellable, paste_saved_cb, g_steal_pointer (&task));
}

static void
new_stored_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *credential = NULL;
  PvTrackedApp owner = { .id = p->id };
  GError *error = NULL;

  if (!pv_credentials_store_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  credential = pv_tracked_app_credential_id (&owner, p->kind);
  pv_credentials_clear_async (credential, PV_CREDENTIAL_APP_TOKEN_PENDING, cancellable, old_cleared_cb,
                              g_steal_pointer (&task));
}

static void
pending_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *credential = NULL;
  g_autofree char *label = NULL;
  PvTrackedConnection *connection;
  PvTrackedApp *app = NULL;
  GError *error = NULL;

  p->token = pv_credentials_lookup_finish (result, &error);
  if (p->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  connection = find_connection (p->apps, p->id, p->kind, &app);
  connection->token_in_keyring = TRUE;
  connection->issued_at = connection->pending_issued_at;
  connection->expires_at = connection->pending_expires_at;
  connection->source = connection->pending_source;
  connection->pending_since = connection->pending_issued_at = connection->pending_expires_at = 0;
  connection->pending_source = PV_EXPIRY_SOURCE_UNKNOWN;
  connection->sent_at = 0;
  p->saved = copy_app (app);
  credential = pv_tracked_app_credential_id (app, p->kind);
  /* Translators: "Users" or "Persons", then an app's name */
  label = g_strdup_printf (_("Provisioning token of %s for %s"), pv_guide_app_name (p->kind), app->name);
  /* The old token is replaced in the keyring: forgotten. */
  pv_credentials_store_async (credential, PV_CREDENTIAL_APP_TOKEN, label, p->token, cancellable, new_stored_cb,
                              g_steal_pointer (&task));
}

/* apps.ini read for a connection whose pasted token waits: that
 * connection, or NULL once @task has returned why not */
static PvTrackedConnection *
pending_loaded (GTask         *task,
                GAsyncResult  *result,
                PvTrackedApp **app)
{
  Paste *p = g_task_get_task_data (task);
  PvTrackedConnection *connection;
  GError *error = NULL;

  p->apps = pv_tracked_apps_load_finish (result, &error);
  if (p->apps == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }
  connection = find_connection (p->apps, p->id, p->kind, app);
  if (connection == NULL || connection->pending_since == 0)
    {
      g_task_return_new_error (task, PV_ERROR, PV_ERROR_NOT_FOUND,
                               _("No new token of %s %s waits to be handed over"), p->id, p->kind);
      return NULL;
    }
  return connection;
}

/* A task on a connection's pending token, apps.ini being read for it */
static void
pending_task_start (GFile               *apps_file,
                    const char          *id,
                    const char          *kind,
                    gint64               when,
                    gpointer             source_tag,
                    GAsyncReadyCallback  loaded,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Paste *p = g_new0 (Paste, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, p, (GDestroyNotify) paste_free);
  p->file = g_object_ref (apps_file);
  p->id = g_strdup (id);
  p->kind = g_strdup (kind);
  p->issued_at = when;
  pv_tracked_apps_load_async (apps_file, cancellable, loaded, task);
}

static void
handed_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *credential = NULL;
  PvTrackedApp *app = NULL;

  if (pending_loaded (task, result, &app) == NULL)
    return;
  credential = pv_tracked_app_credential_id (app, p->kind);
  pv_credentials_lookup_async (credential, PV_CREDENTIAL_APP_TOKEN_PENDING, cancellable, pending_found_cb,
                               g_steal_pointer (&task));
}

/**
 * pv_tracked_app_handed_over_async:
 *
 * The pasted token is in the identity provider: it becomes the app's
 * token, and the old one is forgotten.
 */
void
pv_tracked_app_handed_over_async (GFile               *apps_file,
                                  const char          *id,
                                  const char          *kind,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  pending_task_start (apps_file, id, kind, 0, pv_tracked_app_handed_over_async, handed_loaded_cb, cancellable,
                      callback, user_data);
}

/**
 * pv_tracked_app_handed_over_finish:
 *
 * Returns: (transfer full): the app as saved, or %NULL with an error
 */
PvTrackedApp *
pv_tracked_app_handed_over_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_app_handed_over_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Handed to Entra through Graph: apps.ini says when, so that its next
 * cycle can tell whether it provisions with the new token, even after the
 * window or provisioctl was closed. */

static void
sent_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Paste *p = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  PvTrackedConnection *connection;
  PvTrackedApp *app = NULL;

  if ((connection = pending_loaded (task, result, &app)) == NULL)
    return;
  connection->sent_at = p->issued_at;
  p->saved = copy_app (app);
  pv_tracked_apps_save_async (p->file, p->apps, cancellable, paste_saved_cb, g_steal_pointer (&task));
}

/**
 * pv_tracked_app_sent_async:
 * @sent_at: when the hand-over began
 *
 * The pending token was handed to the linked Entra app through Graph at
 * @sent_at; it stays pending until a cycle since succeeded.
 */
void
pv_tracked_app_sent_async (GFile               *apps_file,
                           const char          *id,
                           const char          *kind,
                           gint64               sent_at,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  pending_task_start (apps_file, id, kind, sent_at, pv_tracked_app_sent_async, sent_loaded_cb, cancellable,
                      callback, user_data);
}

/**
 * pv_tracked_app_sent_finish:
 *
 * Returns: (transfer full): the app as saved, or %NULL with an error
 */
PvTrackedApp *
pv_tracked_app_sent_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_app_sent_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
