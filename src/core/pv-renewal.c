/* pv-renewal.c: renewing a connection's token, or setting it up, as one
 * state machine that the app's assistant and provisioctl drive
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-renewal"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "pv-error.h"
#include "pv-event-watch.h"
#include "pv-files.h"
#include "pv-guide.h"
#include "pv-renewal.h"
#include "pv-session.h"

/* intro -> issuing -> issued -> waiting -> done.
 *
 * The old token is never touched: the new one is issued with
 * retire=on-first-use (unless the caller says otherwise), so the tenant
 * retires the old one only once the identity provider provisions with the
 * new one (docs/provisiod.md, "Token rules").  A setup first tells the
 * tenant which identity provider provisions the connection, and is
 * remembered (PvSetups) until the first use, so that it can be resumed.
 *
 * A refusal is kept with its reason (PvIssueRefusal); an unused
 * replacement that stands in the way is replaced in the same request when
 * the caller asks.  Every issue carries an Idempotency-Key, kept when
 * nothing answered so that trying again cannot issue twice.  The secret
 * lives only here, until pv_renewal_forget_secret() or the end. */

/* PvSetups */

struct _PvSetups
{
  GObject   parent_instance;

  GFile    *file;
  GKeyFile *keys;   /* [TENANT/KIND] idp, token */
};

G_DEFINE_FINAL_TYPE (PvSetups, pv_setups, G_TYPE_OBJECT)

static void
pv_setups_finalize (GObject *object)
{
  PvSetups *self = PV_SETUPS (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->keys, g_key_file_unref);

  G_OBJECT_CLASS (pv_setups_parent_class)->finalize (object);
}

static void
pv_setups_class_init (PvSetupsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_setups_finalize;
}

static void
pv_setups_init (PvSetups *self)
{
  self->keys = g_key_file_new ();
}

/**
 * pv_setups_default_file:
 *
 * Returns: (transfer full): where the app and provisioctl keep the setups
 *   left midway ($XDG_STATE_HOME/provisio/setup.ini)
 */
GFile *
pv_setups_default_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "provisio", "setup.ini", NULL);

  return g_file_new_for_path (path);
}

/**
 * pv_setups_new:
 * @file: (nullable): where they are kept; %NULL keeps them in memory only
 *
 * Returns: (transfer full): the setups left midway, empty until loaded
 */
PvSetups *
pv_setups_new (GFile *file)
{
  PvSetups *self = g_object_new (PV_TYPE_SETUPS, NULL);

  self->file = file ? g_object_ref (file) : NULL;
  return self;
}

static void
setups_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvSetups *self = g_task_get_source_object (task);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      /* None kept yet is none left midway. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_key_file_load_from_data (self->keys, contents, length, G_KEY_FILE_NONE, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pv_setups_load_async (PvSetups            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PV_IS_SETUPS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_setups_load_async);
  if (self->file == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_file_load_contents_async (self->file, cancellable, setups_loaded_cb, g_steal_pointer (&task));
}

gboolean
pv_setups_load_finish (PvSetups      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_setups_load_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
setups_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_warning ("Could not keep the setups in progress: %s", error->message);
}

static GBytes *
setups_to_bytes (PvSetups *self)
{
  gsize length;
  char *data = g_key_file_to_data (self->keys, &length, NULL);

  return g_bytes_new_take (data, length);
}

static void
save (PvSetups *self)
{
  g_autoptr(GBytes) bytes = NULL;

  if (self->file == NULL)
    return;
  bytes = setups_to_bytes (self);
  pv_file_write_private_async (self->file, bytes, NULL, setups_saved_cb, NULL);
}

static void
setups_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_setups_save_async:
 *
 * Writes the setups left midway as they are now, and says when that is
 * done: for a process that ends right after a setup issued its token
 * (provisioctl setup --no-wait), before the write pv_setups_remember()
 * started on its own may have finished.
 */
void
pv_setups_save_async (PvSetups            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (PV_IS_SETUPS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_setups_save_async);
  if (self->file == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  bytes = setups_to_bytes (self);
  pv_file_write_private_async (self->file, bytes, cancellable, setups_written_cb, g_steal_pointer (&task));
}

gboolean
pv_setups_save_finish (PvSetups      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_setups_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_setups_remember:
 *
 * Keeps that the setup of @kind of @tenant issued @token_id for @idp and
 * waits for its first use.
 */
void
pv_setups_remember (PvSetups   *self,
                    const char *tenant,
                    const char *kind,
                    const char *idp,
                    const char *token_id)
{
  g_autofree char *group = g_strdup_printf ("%s/%s", tenant, kind);

  g_return_if_fail (PV_IS_SETUPS (self));
  g_key_file_set_string (self->keys, group, "idp", idp);
  g_key_file_set_string (self->keys, group, "token", token_id);
  save (self);
}

void
pv_setups_forget (PvSetups   *self,
                  const char *tenant,
                  const char *kind)
{
  g_autofree char *group = g_strdup_printf ("%s/%s", tenant, kind);

  g_return_if_fail (PV_IS_SETUPS (self));
  if (g_key_file_remove_group (self->keys, group, NULL))
    save (self);
}

/**
 * pv_setups_lookup:
 * @idp: (out): the identity provider chosen
 * @token_id: (out): the token issued
 *
 * Returns: whether a setup of this connection was left midway
 */
gboolean
pv_setups_lookup (PvSetups    *self,
                  const char  *tenant,
                  const char  *kind,
                  char       **idp,
                  char       **token_id)
{
  g_autofree char *group = g_strdup_printf ("%s/%s", tenant, kind);

  g_return_val_if_fail (PV_IS_SETUPS (self), FALSE);
  *idp = g_key_file_get_string (self->keys, group, "idp", NULL);
  *token_id = g_key_file_get_string (self->keys, group, "token", NULL);
  if (*idp != NULL && *token_id != NULL)
    return TRUE;
  g_clear_pointer (idp, g_free);
  g_clear_pointer (token_id, g_free);
  return FALSE;
}

/* PvRenewal */

struct _PvRenewal
{
  GObject         parent_instance;

  PvClient       *client;
  PvSetups       *setups;
  char           *tenant;
  char           *kind;
  gboolean        setup;
  char           *idp;
  char           *description;
  char           *retire;
  GCancellable   *cancellable;

  PvRenewalStep   step;
  GError         *error;
  PvIssueRefusal *refusal;
  char           *idempotency_key;
  PvIssuedToken  *issued;
  char           *token_id;
  PvEventWatch   *watch;
  GListStore     *no_events;
  PvEventInfo    *first_use;
};

G_DEFINE_FINAL_TYPE (PvRenewal, pv_renewal, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STEP,
  N_PROPS
};

enum {
  SIGNAL_WATCH_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_step (PvRenewal     *self,
          PvRenewalStep  step)
{
  if (self->step == step)
    return;
  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
forget_secret (PvIssuedToken *issued)
{
  if (issued != NULL && issued->secret != NULL)
    explicit_bzero (issued->secret, strlen (issued->secret));
}

static void
pv_renewal_dispose (GObject *object)
{
  PvRenewal *self = PV_RENEWAL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->watch != NULL)
    pv_event_watch_stop (self->watch);
  g_clear_object (&self->watch);

  G_OBJECT_CLASS (pv_renewal_parent_class)->dispose (object);
}

static void
pv_renewal_finalize (GObject *object)
{
  PvRenewal *self = PV_RENEWAL (object);

  forget_secret (self->issued);
  g_clear_pointer (&self->issued, pv_issued_token_free);
  g_clear_pointer (&self->refusal, pv_issue_refusal_free);
  g_clear_error (&self->error);
  g_clear_object (&self->client);
  g_clear_object (&self->setups);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->no_events);
  g_clear_object (&self->first_use);
  g_free (self->tenant);
  g_free (self->kind);
  g_free (self->idp);
  g_free (self->description);
  g_free (self->retire);
  g_free (self->idempotency_key);
  g_free (self->token_id);

  G_OBJECT_CLASS (pv_renewal_parent_class)->finalize (object);
}

static void
pv_renewal_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PvRenewal *self = PV_RENEWAL (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_renewal_class_init (PvRenewalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_renewal_dispose;
  object_class->finalize = pv_renewal_finalize;
  object_class->get_property = pv_renewal_get_property;

  properties[PROP_STEP] = g_param_spec_enum ("step", NULL, NULL, PV_TYPE_RENEWAL_STEP, PV_RENEWAL_INTRO,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PvRenewal::watch-error:
   * @error: why the tenant could not be asked for the new token's events
   *
   * While waiting; the watch goes on trying.
   */
  signals[SIGNAL_WATCH_ERROR] = g_signal_new ("watch-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
pv_renewal_init (PvRenewal *self)
{
  self->cancellable = g_cancellable_new ();
  self->no_events = g_list_store_new (PV_TYPE_EVENT_INFO);
}

/**
 * pv_renewal_new:
 * @tenant: the tenant's id, for @setups
 * @kind: "users" or "persons"
 * @setup: the first-time setup rather than a renewal
 * @setups: (nullable): where a setup left midway is kept
 *
 * Returns: (transfer full): a renewal at its start
 */
PvRenewal *
pv_renewal_new (PvClient   *client,
                const char *tenant,
                const char *kind,
                gboolean    setup,
                PvSetups   *setups)
{
  PvRenewal *self;

  g_return_val_if_fail (PV_IS_CLIENT (client), NULL);
  g_return_val_if_fail (tenant != NULL && kind != NULL, NULL);

  self = g_object_new (PV_TYPE_RENEWAL, NULL);
  self->client = g_object_ref (client);
  self->setups = setups ? g_object_ref (setups) : NULL;
  self->tenant = g_strdup (tenant);
  self->kind = g_strdup (kind);
  self->setup = setup;
  self->retire = g_strdup ("on-first-use");
  return self;
}

/**
 * pv_renewal_set_description:
 * @description: (nullable): the note kept with the new token; %NULL for
 *   the app's own ("Renewed with Provisio for the Users app")
 */
void
pv_renewal_set_description (PvRenewal  *self,
                            const char *description)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  g_free (self->description);
  self->description = g_strdup (description);
}

/**
 * pv_renewal_set_retire:
 * @retire: when the old token retires: "on-first-use" (the default),
 *   "now" or "never"
 */
void
pv_renewal_set_retire (PvRenewal  *self,
                       const char *retire)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  g_free (self->retire);
  self->retire = g_strdup (retire);
}

/**
 * pv_renewal_resume:
 * @idp: the identity provider the setup chose
 * @token_id: the token it issued, never used yet
 *
 * Continues a setup left midway (pv_setups_lookup()): issued, its secret
 * gone, ready to wait for the first use.
 */
void
pv_renewal_resume (PvRenewal  *self,
                   const char *idp,
                   const char *token_id)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  g_return_if_fail (self->step == PV_RENEWAL_INTRO);

  g_free (self->idp);
  self->idp = g_strdup (idp);
  g_free (self->token_id);
  self->token_id = g_strdup (token_id);
  set_step (self, PV_RENEWAL_ISSUED);
}

static void
fail (PvRenewal *self,
      GError    *error)
{
  g_clear_error (&self->error);
  self->error = error;
  set_step (self, PV_RENEWAL_INTRO);
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PvRenewal) self = user_data;
  g_autoptr(GError) error = NULL;
  PvIssuedToken *issued = pv_tokens_issue_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (issued == NULL)
    {
      /* When nothing answered, trying again is the same intent: the tenant
       * recognises its key if it did issue.  Anything else ends it. */
      if (!g_error_matches (error, PV_ERROR, PV_ERROR_NETWORK))
        g_clear_pointer (&self->idempotency_key, g_free);
      self->refusal = pv_tokens_issue_get_refusal (result);
      fail (self, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->idempotency_key, g_free);
  self->issued = issued;
  g_free (self->token_id);
  self->token_id = g_strdup (pv_token_info_get_id (issued->token));
  if (self->setup && self->setups != NULL)
    pv_setups_remember (self->setups, self->tenant, self->kind, self->idp, self->token_id);
  set_step (self, PV_RENEWAL_ISSUED);
}

static void
issue (PvRenewal  *self,
       const char *replace_unused)
{
  g_autofree char *description = NULL;

  if (self->description != NULL)
    description = g_strdup (self->description);
  else if (self->setup)
    /* Translators: the note kept with a token issued by the setup assistant */
    description = g_strdup_printf (_("Set up with Provisio for the %s app"), pv_guide_app_name (self->kind));
  else
    /* Translators: the note kept with a token issued by the assistant */
    description = g_strdup_printf (_("Renewed with Provisio for the %s app"), pv_guide_app_name (self->kind));
  if (self->idempotency_key == NULL)
    self->idempotency_key = pv_tokens_new_idempotency_key ();
  pv_tokens_issue_full_async (self->client, self->kind, self->retire, description, replace_unused,
                              self->idempotency_key, self->cancellable, issued_cb, g_object_ref (self));
}

typedef struct {
  PvRenewal *self;
  char      *replace_unused;
} Issuing;

static void
idp_recorded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Issuing *issuing = user_data;
  g_autoptr(PvRenewal) self = issuing->self;
  g_autofree char *replace_unused = issuing->replace_unused;
  g_autoptr(GError) error = NULL;

  g_free (issuing);
  if (!pv_tokens_set_identity_provider_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error));
      return;
    }
  issue (self, replace_unused);
}

/**
 * pv_renewal_issue:
 * @idp: (nullable): for a setup, the identity provider that is to
 *   provision the connection ("entra", "okta"); the tenant learns it first
 * @replace_unused: (nullable): the id of an unused token to replace in the
 *   same request: one a refusal named (pv_issue_refusal_can_replace()), or
 *   that the connection's tokens show in the way
 *   (pv_issue_refusal_for_connection())
 *
 * Issues the new token: the step goes to issuing, then to issued (the
 * secret in pv_renewal_get_issued()) or back to intro with the error and,
 * if the tenant refused, the refusal.
 */
void
pv_renewal_issue (PvRenewal  *self,
                  const char *idp,
                  const char *replace_unused)
{
  g_autofree char *replace = g_strdup (replace_unused);

  g_return_if_fail (PV_IS_RENEWAL (self));
  g_return_if_fail (self->step == PV_RENEWAL_INTRO);

  g_clear_pointer (&self->refusal, pv_issue_refusal_free);
  g_clear_error (&self->error);
  set_step (self, PV_RENEWAL_ISSUING);
  if (self->setup && idp != NULL)
    {
      Issuing *issuing = g_new0 (Issuing, 1);

      g_free (self->idp);
      self->idp = g_strdup (idp);
      issuing->self = g_object_ref (self);
      issuing->replace_unused = g_steal_pointer (&replace);
      pv_tokens_set_identity_provider_async (self->client, self->kind, idp, self->cancellable, idp_recorded_cb,
                                             issuing);
      return;
    }
  issue (self, replace);
}

static void
event_cb (PvEventWatch *watch,
          PvEventInfo  *event,
          PvRenewal    *self)
{
  if (self->step != PV_RENEWAL_WAITING || !g_str_equal (pv_event_info_get_event_type (event), "token.first-use"))
    return;
  self->first_use = g_object_ref (event);
  pv_event_watch_stop (self->watch);
  if (self->setup && self->setups != NULL)
    pv_setups_forget (self->setups, self->tenant, self->kind);
  set_step (self, PV_RENEWAL_DONE);
}

static void
watch_error_cb (PvEventWatch *watch,
                const GError *error,
                PvRenewal    *self)
{
  g_signal_emit (self, signals[SIGNAL_WATCH_ERROR], 0, error);
}

/**
 * pv_renewal_wait:
 * @interval_ms: how often the tenant is asked for the new token's events
 *
 * Waits for the identity provider's first use of the new token: the
 * events arrive in pv_renewal_get_events(), the first use ends it (done).
 */
void
pv_renewal_wait (PvRenewal *self,
                 guint      interval_ms)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  g_return_if_fail (self->token_id != NULL);

  if (self->step == PV_RENEWAL_WAITING || self->step == PV_RENEWAL_DONE)
    return;
  self->watch = pv_event_watch_new (self->client, self->kind, self->token_id, interval_ms);
  g_signal_connect_object (self->watch, "event", G_CALLBACK (event_cb), self, 0);
  g_signal_connect_object (self->watch, "error", G_CALLBACK (watch_error_cb), self, 0);
  set_step (self, PV_RENEWAL_WAITING);
  pv_event_watch_start (self->watch);
}

/**
 * pv_renewal_forget_secret:
 *
 * Zeroes the secret once it has been shown or handed over.
 */
void
pv_renewal_forget_secret (PvRenewal *self)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  forget_secret (self->issued);
}

/**
 * pv_renewal_cancel:
 *
 * Stops what runs (an issue, the wait); what was issued stays issued.
 */
void
pv_renewal_cancel (PvRenewal *self)
{
  g_return_if_fail (PV_IS_RENEWAL (self));
  g_cancellable_cancel (self->cancellable);
  if (self->watch != NULL)
    pv_event_watch_stop (self->watch);
}

static void
demo_request_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  /* Its answer is seen through the tenant's events, as the IdP's would be. */
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  g_clear_pointer (&body, g_bytes_unref);
}

/**
 * pv_renewal_send_demo_request:
 *
 * Demo only: a request as the identity provider would make it in a cycle
 * that changes something, once the new token is saved: it creates a user.
 * A read (what a "Test connection" sends) would not start the old
 * token's retirement (docs/provisiod.md), so the demo would not show the
 * switch.
 *
 * Returns: whether it was sent (not when resumed: the secret is gone)
 */
gboolean
pv_renewal_send_demo_request (PvRenewal *self)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *body = NULL;
  gsize length;

  g_return_val_if_fail (PV_IS_RENEWAL (self), FALSE);

  if (self->issued == NULL || self->issued->secret == NULL || *self->issued->secret == '\0')
    return FALSE;
  /* Its own session: it speaks as Entra's SCIM client, and a session puts
   * its user agent on every request. */
  session = pv_session_new ("Microsoft Entra ID SCIM client (Provisio demo)", 30);
  url = g_strconcat (self->issued->scim_base_url, "/Users", NULL);
  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    return FALSE;
  /* A new user each time: a second request is another change, not a conflict. */
  uuid = g_uuid_string_random ();
  body = g_strdup_printf ("{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                          " \"externalId\": \"%s\", \"userName\": \"demo-%s@example.com\","
                          " \"active\": true, \"displayName\": \"Demo User\"}", uuid, uuid);
  length = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), length);
  soup_message_set_request_body_from_bytes (msg, "application/scim+json", bytes);
  auth = g_strconcat ("Bearer ", self->issued->secret, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, self->cancellable, demo_request_cb, NULL);
  return TRUE;
}

static void
handed_over_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  PvEntraJob *job = pv_entra_hand_over_finish (result, &error);

  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, (GDestroyNotify) pv_entra_job_free);
}

/**
 * pv_renewal_hand_over_async:
 * @graph: signed in to the directory of @link
 * @link: the Entra app that provisions the connection
 * @step_func: (scope call) (nullable): told of each step as it goes
 *
 * Hands the new token over to the Entra app through Microsoft Graph
 * (pv_entra_hand_over_async()), with the secret the renewal holds: the
 * caller never touches it.  Only once issued, not when resumed.
 */
void
pv_renewal_hand_over_async (PvRenewal           *self,
                            PvGraph             *graph,
                            const PvEntraLink   *link,
                            PvHandOverFunc       step_func,
                            gpointer             step_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PV_IS_RENEWAL (self));
  g_return_if_fail (link != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_renewal_hand_over_async);
  if (self->issued == NULL || self->issued->secret == NULL || *self->issued->secret == '\0' || graph == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The new token was shown when it was issued and cannot be handed over now"));
      return;
    }
  pv_entra_hand_over_async (graph, link, self->issued->scim_base_url, self->issued->secret, step_func, step_data,
                            cancellable, handed_over_cb, g_steal_pointer (&task));
}

/**
 * pv_renewal_hand_over_finish:
 *
 * Returns: (transfer full) (nullable): the Entra app's provisioning job
 *   as it is now, or %NULL with @error
 */
PvEntraJob *
pv_renewal_hand_over_finish (PvRenewal     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_renewal_hand_over_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

PvRenewalStep
pv_renewal_get_step (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), PV_RENEWAL_INTRO);
  return self->step;
}

gboolean
pv_renewal_get_setup (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), FALSE);
  return self->setup;
}

const char *
pv_renewal_get_kind (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->kind;
}

/**
 * pv_renewal_get_idp:
 *
 * Returns: (nullable): the identity provider a setup chose
 */
const char *
pv_renewal_get_idp (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->idp;
}

/**
 * pv_renewal_get_token_id:
 *
 * Returns: (nullable): the new token's id, once issued (or resumed)
 */
const char *
pv_renewal_get_token_id (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->token_id;
}

/**
 * pv_renewal_get_issued:
 *
 * Returns: (nullable): the new token with its secret, once issued (not
 *   when resumed)
 */
const PvIssuedToken *
pv_renewal_get_issued (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->issued;
}

/**
 * pv_renewal_get_refusal:
 *
 * Returns: (nullable): why the tenant refused the last issue
 */
const PvIssueRefusal *
pv_renewal_get_refusal (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->refusal;
}

/**
 * pv_renewal_get_error:
 *
 * Returns: (nullable): why the last step failed
 */
const GError *
pv_renewal_get_error (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->error;
}

/**
 * pv_renewal_get_events:
 *
 * Returns: (transfer none): the new token's events while waiting
 */
GListModel *
pv_renewal_get_events (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->watch ? pv_event_watch_get_events (self->watch) : G_LIST_MODEL (self->no_events);
}

/**
 * pv_renewal_get_first_use:
 *
 * Returns: (transfer none) (nullable): the identity provider's first use, once done
 */
PvEventInfo *
pv_renewal_get_first_use (PvRenewal *self)
{
  g_return_val_if_fail (PV_IS_RENEWAL (self), NULL);
  return self->first_use;
}
