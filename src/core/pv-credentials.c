/* pv-credentials.c: secrets in the system keyring, and nowhere else
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-credentials"

#include "config.h"

#include <glib/gi18n.h>
/* The D-Bus path calls (secret-paths.h), stable in practice since 0.18:
 * they let a search load secrets in one call and item attributes a few at
 * a time (see Lookup below). */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "pv-credentials.h"
#include "pv-error.h"

/* One schema, named after the app id (the default profile's, BASE_ID: the
 * development profile reads the same keys); attributes say which tenant
 * and what kind of secret.  Every call is asynchronous; a keyring that is missing,
 * locked or refusing gives a PV_ERROR_KEYRING the UI can explain. */

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    BASE_ID, SECRET_SCHEMA_NONE,
    {
      { "tenant", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static const char *
kind_name (PvCredentialKind kind)
{
  switch (kind)
    {
    case PV_CREDENTIAL_GRAPH_REFRESH_TOKEN:
      return "graph-refresh-token";
    case PV_CREDENTIAL_ADMIN_KEY_PREVIOUS:
      return "admin-key-previous";
    case PV_CREDENTIAL_APP_TOKEN:
      return "app-token";
    case PV_CREDENTIAL_APP_TOKEN_PENDING:
      return "app-token-pending";
    case PV_CREDENTIAL_ADMIN_KEY:
    default:
      return "admin-key";
    }
}

/**
 * pv_credentials_admin_key_label:
 *
 * Returns: (transfer full): what the keyring shows for a tenant's admin API key
 */
char *
pv_credentials_admin_key_label (const char *tenant,
                                const char *base_url)
{
  /* Translators: the label of the admin API key in the keyring (Seahorse shows it) */
  return g_strdup_printf (_("Provisio admin API key for %s (%s)"), tenant, base_url);
}

static GError *
locked_error (void)
{
  return g_error_new_literal (PV_ERROR, PV_ERROR_KEYRING_LOCKED, _("The keyring is locked; unlock it and try again"));
}

/* The keyring's errors, in words an admin can act on. */
static GError *
keyring_error (GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (cause);
  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return locked_error ();
  if (g_error_matches (cause, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED))
    return g_error_new (PV_ERROR, PV_ERROR_KEYRING,
                        _("The session bus refused a request to the keyring: too many at once (%s)"),
                        cause->message);
  return g_error_new (PV_ERROR, PV_ERROR_KEYRING,
                      _("The system keyring is not available (%s); Provisio keeps keys only there"),
                      cause->message);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_credentials_store_async:
 * @tenant: the tenant profile's id
 * @label: what the keyring shows the user
 * @secret: the secret
 */
void
pv_credentials_store_async (const char          *tenant,
                            PvCredentialKind     kind,
                            const char          *label,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_credentials_store_async);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         stored_cb, task,
                         "tenant", tenant, "kind", kind_name (kind), NULL);
}

gboolean
pv_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A lookup: the keyring's item paths for the attributes, unlocked if they
 * must be, their secrets in one call, then (for every tenant at once)
 * each item's "tenant" attribute, a few requests at a time.
 *
 * Not secret_password_search() with SECRET_SEARCH_LOAD_SECRETS: it makes an
 * item proxy per item, all at once, and when the session bus refuses some
 * of those hundreds of calls (its reply limit) libsecret 0.20 returns its
 * task once per failure ("No such secret item", then GLib's
 * '!task->ever_returned').  Here every step returns the task once. */

#define ATTRIBUTE_REQUESTS 8

typedef struct {
  SecretService *service;
  char          *tenant;     /* one tenant's lookup; NULL for all */
  GStrv          paths;
  GHashTable    *values;     /* path -> SecretValue */
  GHashTable    *secrets;    /* tenant -> secret */
  guint          next;
  GPtrArray     *retry;      /* paths the bus refused, to ask again */
  guint          limit;      /* requests at once: halved at each refusal */
  guint          pending;
  GError        *error;      /* the first failure, returned once all are back */
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->service);
  g_free (lookup->tenant);
  g_strfreev (lookup->paths);
  g_clear_pointer (&lookup->retry, g_ptr_array_unref);
  g_clear_pointer (&lookup->values, g_hash_table_unref);
  g_clear_pointer (&lookup->secrets, g_hash_table_unref);
  g_clear_error (&lookup->error);
  g_free (lookup);
}

static void
lookup_return (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  g_autofree char *tenant = NULL;
  char *secret = NULL;

  if (lookup->error != NULL)
    g_task_return_error (task, g_steal_pointer (&lookup->error));
  else if (lookup->tenant == NULL)
    g_task_return_pointer (task, g_steal_pointer (&lookup->secrets), (GDestroyNotify) g_hash_table_unref);
  /* Stolen with its key, which is freed here */
  else if (g_hash_table_steal_extended (lookup->secrets, lookup->tenant, (gpointer *) &tenant, (gpointer *) &secret))
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
  else
    g_task_return_new_error (task, PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND,
                             _("The keyring holds no admin API key for this tenant"));
}

/* Returns @task with @error (taken) and drops the reference the steps
 * pass along. */
static void
lookup_fail (GTask  *task,
             GError *error)
{
  Lookup *lookup = g_task_get_task_data (task);

  g_clear_error (&lookup->error);
  lookup->error = error;
  lookup_return (task);
  g_object_unref (task);
}

/* tenant -> secret */
static GHashTable *
secrets_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) secret_password_free);
}

static void
add_secret (Lookup     *lookup,
            const char *tenant,
            const char *path)
{
  SecretValue *value = g_hash_table_lookup (lookup->values, path);

  if (tenant != NULL && value != NULL)
    g_hash_table_replace (lookup->secrets, g_strdup (tenant), g_strdup (secret_value_get_text (value)));
}

/* What a lookup asks the keyring for: one tenant's item of @kind, or
 * (@tenant %NULL) every tenant's */
static GHashTable *
lookup_attributes (const char       *tenant,
                   PvCredentialKind  kind)
{
  if (tenant != NULL)
    return secret_attributes_build (get_schema (), "tenant", tenant, "kind", kind_name (kind), NULL);
  return secret_attributes_build (get_schema (), "kind", kind_name (kind), NULL);
}

static void request_attributes (GTask *task);

typedef struct {
  GTask *task;
  char  *path;
} AttributesCall;

static void
got_attributes_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AttributesCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  g_autofree char *path = call->path;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  g_free (call);
  lookup->pending--;
  if (reply == NULL && g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED) && lookup->limit > 1)
    {
      /* A session bus with a low reply limit: fewer at once, and again. */
      lookup->limit = MAX (1, MIN (lookup->limit, lookup->pending + 1) / 2);
      g_ptr_array_add (lookup->retry, g_steal_pointer (&path));
    }
  else if (reply == NULL)
    {
      /* An item deleted meanwhile is not there: no error. */
      if (!g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) &&
          !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) && lookup->error == NULL)
        lookup->error = keyring_error (error);
    }
  else
    {
      g_autoptr(GVariant) attributes = NULL;
      const char *tenant = NULL;

      g_variant_get (reply, "(v)", &attributes);
      if (g_variant_is_of_type (attributes, G_VARIANT_TYPE ("a{ss}")) &&
          g_variant_lookup (attributes, "tenant", "&s", &tenant))
        add_secret (lookup, tenant, path);
    }
  request_attributes (task);
}

/* Each item's "tenant" attribute, ATTRIBUTE_REQUESTS at a time, or fewer
 * if the session bus refuses that many. */
static void
request_attributes (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (lookup->service));

  while (lookup->error == NULL && lookup->pending < lookup->limit &&
         (lookup->retry->len > 0 || lookup->paths[lookup->next] != NULL))
    {
      g_autofree char *path = lookup->retry->len > 0 ? g_ptr_array_steal_index (lookup->retry, lookup->retry->len - 1)
                                                     : g_strdup (lookup->paths[lookup->next++]);

      if (!g_hash_table_contains (lookup->values, path))
        continue;
      AttributesCall *call = g_new0 (AttributesCall, 1);

      call->task = g_object_ref (task);
      call->path = g_strdup (path);
      lookup->pending++;
      g_dbus_connection_call (connection, g_dbus_proxy_get_name (G_DBUS_PROXY (lookup->service)), path,
                              "org.freedesktop.DBus.Properties", "Get",
                              g_variant_new ("(ss)", "org.freedesktop.Secret.Item", "Attributes"),
                              G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                              g_task_get_cancellable (task), got_attributes_cb, call);
    }
  if (lookup->pending == 0)
    lookup_return (task);
}
static void
got_secrets_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  lookup->values = secret_service_get_secrets_for_dbus_paths_finish (lookup->service, result, &error);
  if (lookup->values == NULL)
    {
      lookup_fail (task, keyring_error (error));
      return;
    }
  lookup->secrets = secrets_new ();
  if (lookup->tenant != NULL)
    {
      /* Searched by tenant: every item found is its. */
      for (guint i = 0; lookup->paths[i] != NULL; i++)
        add_secret (lookup, lookup->tenant, lookup->paths[i]);
      lookup_return (task);
    }
  else
    request_attributes (task);
  g_object_unref (task);
}

/* Takes the reference of @task. */
static void
load_secrets (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);

  if (lookup->paths == NULL || lookup->paths[0] == NULL)
    {
      lookup->secrets = secrets_new ();
      lookup_return (task);
      g_object_unref (task);
      return;
    }
  secret_service_get_secrets_for_dbus_paths (lookup->service, (const char **) lookup->paths,
                                             g_task_get_cancellable (task), got_secrets_cb, task);
}

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unlocked = NULL;
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
  guint n_locked = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "locked"));
  int n = secret_service_unlock_dbus_paths_finish (lookup->service, result, &unlocked, &error);

  if (n < 0 || error != NULL)
    {
      lookup_fail (task, keyring_error (error));
      return;
    }
  /* The user refused or could not answer the unlock prompt: "locked",
   * rather than "not there", so that the UI says the right thing. */
  if ((guint) n < n_locked)
    {
      lookup_fail (task, locked_error ());
      return;
    }
  g_strv_builder_addv (paths, (const char **) lookup->paths);
  g_strv_builder_addv (paths, (const char **) unlocked);
  g_strfreev (lookup->paths);
  lookup->paths = g_strv_builder_end (paths);
  load_secrets (task);
}

static void
searched_paths_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) locked = NULL;

  if (!secret_service_search_for_dbus_paths_finish (lookup->service, result, &lookup->paths, &locked, &error))
    {
      lookup_fail (task, keyring_error (error));
      return;
    }
  if (lookup->paths == NULL)
    lookup->paths = g_new0 (char *, 1);
  if (locked != NULL && locked[0] != NULL)
    {
      g_object_set_data (G_OBJECT (task), "locked", GUINT_TO_POINTER (g_strv_length (locked)));
      secret_service_unlock_dbus_paths (lookup->service, (const char **) locked, g_task_get_cancellable (task),
                                        unlocked_cb, task);
      return;
    }
  load_secrets (task);
}

static void
got_service_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  PvCredentialKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "kind"));

  lookup->service = secret_service_get_finish (result, &error);
  if (lookup->service == NULL)
    {
      lookup_fail (task, keyring_error (error));
      return;
    }
  attributes = lookup_attributes (lookup->tenant, kind);
  secret_service_search_for_dbus_paths (lookup->service, get_schema (), attributes, g_task_get_cancellable (task),
                                        searched_paths_cb, task);
}

/* In a Flatpak sandbox libsecret keeps the secret_password_*() items in
 * the app's own keyring file, with a key from the Secret portal, and the
 * Secret Service on the bus is out of reach: there a lookup goes through
 * secret_password_search(), which reads that file (no session bus, so no
 * reply limit either).  The same holds for libsecret's file backend chosen
 * with SECRET_BACKEND=file, which is how the tests reach this path. */
static gboolean
in_sandbox (void)
{
  /* Also when libsecret is told to use its file backend (SECRET_BACKEND) */
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0;
}

static void
sandbox_searched_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autolist (SecretRetrievable) items = secret_password_search_finish (result, &error);

  if (error != NULL)
    {
      lookup_fail (task, keyring_error (error));
      return;
    }
  lookup->secrets = secrets_new ();
  for (const GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      /* A file item holds its value in memory once the search has
       * loaded the file: retrieving it does no I/O. */
      g_autoptr(SecretValue) value = SECRET_IS_ITEM (l->data) ? secret_item_get_secret (l->data)
                                     : secret_retrievable_retrieve_secret_sync (l->data, NULL, NULL);
      const char *tenant = g_hash_table_lookup (attributes, "tenant");

      if (tenant != NULL && value != NULL)
        g_hash_table_replace (lookup->secrets, g_strdup (tenant), g_strdup (secret_value_get_text (value)));
    }
  lookup_return (task);
  g_object_unref (task);
}

/* Takes @task's reference; returns it once, whatever happens. */
static void
lookup_start (GTask            *task,
              const char       *tenant,
              PvCredentialKind  kind)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->tenant = g_strdup (tenant);
  lookup->limit = ATTRIBUTE_REQUESTS;
  lookup->retry = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);
  g_object_set_data (G_OBJECT (task), "kind", GUINT_TO_POINTER (kind));
  if (in_sandbox ())
    {
      g_autoptr(GHashTable) attributes = lookup_attributes (tenant, kind);

      secret_password_searchv (get_schema (), attributes,
                               SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                               g_task_get_cancellable (task), sandbox_searched_cb, task);
      return;
    }
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, g_task_get_cancellable (task), got_service_cb, task);
}

/**
 * pv_credentials_lookup_async:
 *
 * Finds a secret, asking the keyring to unlock itself if it must:
 * %PV_ERROR_KEYRING_NOT_FOUND if there is none, %PV_ERROR_KEYRING_LOCKED if
 * the keyring stayed locked.
 */
void
pv_credentials_lookup_async (const char          *tenant,
                             PvCredentialKind     kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_credentials_lookup_async);
  lookup_start (task, tenant, kind);
}

/**
 * pv_credentials_lookup_finish:
 *
 * Returns: (transfer full): the secret; free it with secret_password_free()
 */
char *
pv_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pv_credentials_lookup_all_async:
 *
 * Finds the secrets of every tenant at once: one search of the keyring
 * rather than one per tenant, which matters with hundreds of tenants.
 */
void
pv_credentials_lookup_all_async (PvCredentialKind     kind,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_credentials_lookup_all_async);
  lookup_start (task, NULL, kind);
}

/**
 * pv_credentials_lookup_all_finish:
 *
 * Returns: (transfer full) (element-type utf8 utf8): tenant -> secret
 */
GHashTable *
pv_credentials_lookup_all_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_lookup_all_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pv_credentials_clear_async (const char          *tenant,
                            PvCredentialKind     kind,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_credentials_clear_async);
  /* A tenant's admin key goes with the one a rotation kept aside, if any;
   * the tenants' names cannot be those of Microsoft sign-ins ("entra:…"). */
  if (kind == PV_CREDENTIAL_ADMIN_KEY)
    secret_password_clear (get_schema (), cancellable, cleared_cb, task, "tenant", tenant, NULL);
  else
    secret_password_clear (get_schema (), cancellable, cleared_cb, task,
                           "tenant", tenant, "kind", kind_name (kind), NULL);
}

gboolean
pv_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
modified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autolist (SecretRetrievable) items = secret_password_search_finish (result, &error);
  gint64 modified = 0;

  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  for (const GList *l = items; l != NULL; l = l->next)
    modified = MAX (modified, (gint64) secret_retrievable_get_modified (l->data));
  g_task_return_int (task, modified);
}

/**
 * pv_credentials_lookup_modified_async:
 *
 * Finds when a secret was last written, without reading it (nor unlocking
 * the keyring for it).
 */
void
pv_credentials_lookup_modified_async (const char          *tenant,
                                      PvCredentialKind     kind,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_credentials_lookup_modified_async);
  secret_password_search (get_schema (), SECRET_SEARCH_NONE, cancellable, modified_cb, task,
                          "tenant", tenant, "kind", kind_name (kind), NULL);
}

/**
 * pv_credentials_lookup_modified_finish:
 *
 * Returns: when the secret was last written (seconds since the epoch), 0
 *   if there is none, -1 with @error if the keyring could not be asked
 */
gint64
pv_credentials_lookup_modified_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_lookup_modified_async, -1);
  return g_task_propagate_int (G_TASK (result), error);
}
