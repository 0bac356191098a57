/* pv-credentials.c: secrets in the system keyring, and nowhere else
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>
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
    case PV_CREDENTIAL_ADMIN_KEY:
    default:
      return "admin-key";
    }
}

/* The keyring's errors, in words an admin can act on. */
static GError *
keyring_error (GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (cause);
  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new (PV_ERROR, PV_ERROR_KEYRING_LOCKED,
                        _("The keyring is locked; unlock it and try again"));
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
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* tenant -> secret of the items found; a locked item (the user refused or
 * could not answer the unlock prompt) makes the whole answer "locked" rather
 * than "not there", so that the UI says the right thing. */
static GHashTable *
secrets_of (GList   *items,
            GError **error)
{
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) secret_password_free);

  for (const GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      /* SECRET_SEARCH_LOAD_SECRETS has fetched them: no further round trip. */
      g_autoptr(SecretValue) value = SECRET_IS_ITEM (l->data) ? secret_item_get_secret (l->data) : NULL;
      const char *tenant = g_hash_table_lookup (attributes, "tenant");

      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
        {
          g_set_error_literal (error, PV_ERROR, PV_ERROR_KEYRING_LOCKED,
                               _("The keyring is locked; unlock it and try again"));
          return NULL;
        }
      if (tenant != NULL && value != NULL)
        g_hash_table_replace (secrets, g_strdup (tenant),
                              g_strdup (secret_value_get_text (value)));
    }
  return g_steal_pointer (&secrets);
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autolist (SecretRetrievable) items = secret_password_search_finish (result, &error);
  g_autoptr(GHashTable) secrets = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  secrets = secrets_of (items, &error);
  if (secrets == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_get_source_tag (task) == pv_credentials_lookup_async)
    {
      g_autofree char *tenant = NULL;
      char *secret = NULL;

      if (g_hash_table_steal_extended (secrets, g_task_get_task_data (task),
                                       (gpointer *) &tenant, (gpointer *) &secret))
        g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
      else
        g_task_return_new_error (task, PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND,
                                 _("The keyring holds no admin API key for this tenant"));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&secrets), (GDestroyNotify) g_hash_table_unref);
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
  g_task_set_task_data (task, g_strdup (tenant), g_free);
  secret_password_search (get_schema (), SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                          cancellable, searched_cb, task,
                          "tenant", tenant, "kind", kind_name (kind), NULL);
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
  secret_password_search (get_schema (),
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                          cancellable, searched_cb, task, "kind", kind_name (kind), NULL);
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
  secret_password_clear (get_schema (), cancellable, cleared_cb, task,
                         "tenant", tenant, "kind", kind_name (kind), NULL);
}

gboolean
pv_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_credentials_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
