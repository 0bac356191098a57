/* pv-entra-discover.c: the directory's enterprise apps: service principals, their jobs, SAML certificates
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-discover"

#include "config.h"

#include <string.h>

#include "pv-entra.h"
#include "pv-entra-private.h"
#include "pv-files.h"
#include "pv-guide.h"
#include "pv-graph-private.h"
#include "pv-json-read.h"
#include "pv-tenant-info.h"
#include "pv-time.h"

/* -- discovery ---------------------------------------------------------- */

/* The directory's estate: every service principal, from Graph's delta query
 * ("servicePrincipal: delta", learn.microsoft.com/graph/api/
 * serviceprincipal-delta; "Use delta query to track changes in Microsoft
 * Graph data"), with the properties a SAML app's signing certificate needs,
 * then each app's provisioning jobs through JSON batches of 20 (see
 * pv_graph_batch_async()).  The first refresh reads everything; a later one
 * follows the @odata.deltaLink Graph gave, so that only new, changed and
 * removed service principals come back, and reads again the jobs of those
 * and of the apps that provision (a job's state is not a property of its
 * service principal, so no delta tells of it). */

#define DELTA_QUERY "/servicePrincipals/delta?$select=id,displayName,preferredSingleSignOnMode," \
                    "preferredTokenSigningKeyThumbprint,keyCredentials"

void
pv_entra_saml_app_free (PvEntraSamlApp *app)
{
  if (app == NULL)
    return;
  g_free (app->service_principal_id);
  g_free (app->display_name);
  g_free (app->thumbprint);
  g_free (app->subject);
  g_free (app);
}

static PvEntraSamlApp *
saml_app_copy (const PvEntraSamlApp *app)
{
  PvEntraSamlApp *copy = g_new0 (PvEntraSamlApp, 1);

  copy->service_principal_id = g_strdup (app->service_principal_id);
  copy->display_name = g_strdup (app->display_name);
  copy->thumbprint = g_strdup (app->thumbprint);
  copy->subject = g_strdup (app->subject);
  copy->not_after = app->not_after;
  return copy;
}

static PvEntraApp *
app_copy (const PvEntraApp *app)
{
  PvEntraApp *copy = g_new0 (PvEntraApp, 1);

  copy->service_principal_id = g_strdup (app->service_principal_id);
  copy->display_name = g_strdup (app->display_name);
  copy->base_address = g_strdup (app->base_address);
  copy->job = app->job != NULL ? pv_entra_job_copy (app->job) : NULL;
  copy->problem = g_strdup (app->problem);
  return copy;
}

/* A key credential's customKeyIdentifier is binary (base64 in JSON); for
 * the certificates Entra makes for SAML it holds the certificate's SHA-1
 * thumbprint, which preferredTokenSigningKeyThumbprint gives in hex. */
static gboolean
key_has_thumbprint (JsonObject *key,
                    const char *thumbprint)
{
  const char *identifier = pv_json_string_member (key, "customKeyIdentifier");
  g_autofree guchar *bytes = NULL;
  g_autoptr(GString) hex = NULL;
  gsize length = 0;

  if (identifier == NULL || strlen (identifier) > 256)
    return FALSE;
  if (g_ascii_strcasecmp (identifier, thumbprint) == 0)
    return TRUE;
  bytes = g_base64_decode (identifier, &length);
  hex = g_string_new (NULL);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02X", bytes[i]);
  return length > 0 && g_ascii_strcasecmp (hex->str, thumbprint) == 0;
}

/**
 * pv_entra_saml_app_new_from_json:
 * @object: a service principal as Graph lists it
 *
 * The active signing certificate of a SAML app: among its keyCredentials,
 * the "Sign" key whose identifier is the certificate
 * preferredTokenSigningKeyThumbprint names (Entra keeps a "Verify" key of
 * each certificate beside it, and inactive certificates too).
 *
 * Returns: (transfer full) (nullable): %NULL if @object is not a SAML app;
 *   @not_after is 0 if no key is the one the thumbprint names
 */
PvEntraSamlApp *
pv_entra_saml_app_new_from_json (JsonObject *object)
{
  const char *mode = pv_json_string_member (object, "preferredSingleSignOnMode");
  const char *thumbprint = pv_json_string_member (object, "preferredTokenSigningKeyThumbprint");
  JsonArray *keys = pv_json_array_member (object, "keyCredentials");
  PvEntraSamlApp *app;

  if (g_strcmp0 (mode, "saml") != 0)
    return NULL;
  app = g_new0 (PvEntraSamlApp, 1);
  app->service_principal_id = g_strdup (pv_json_string_member (object, "id"));
  app->display_name = g_strdup (pv_json_string_member (object, "displayName"));
  if (thumbprint != NULL && strlen (thumbprint) <= 128)
    app->thumbprint = g_ascii_strup (thumbprint, -1);
  for (guint i = 0; app->thumbprint != NULL && keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *key = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (key == NULL || g_strcmp0 (pv_json_string_member (key, "usage"), "Sign") != 0 ||
          !key_has_thumbprint (key, app->thumbprint))
        continue;
      app->not_after = pv_entra_member_time (key, "endDateTime");
      g_free (app->subject);
      app->subject = g_strdup (pv_json_string_member (key, "displayName"));
      if (app->not_after != 0)
        break;
    }
  return app;
}

#define SAML_INFO_PREFIX "entra-saml-"

/**
 * pv_entra_saml_info_get_app_name:
 *
 * Returns: (nullable): for a SAML app's certificate as
 *   pv_entra_saml_app_new_info() gives it, the app's name; else %NULL
 */
const char *
pv_entra_saml_info_get_app_name (PvTenantInfo *info)
{
  if (!g_str_has_prefix (pv_tenant_info_get_id (info), SAML_INFO_PREFIX))
    return NULL;
  return pv_tenant_info_get_name (info);
}

/**
 * pv_entra_saml_app_new_info:
 * @app: a SAML app and its active signing certificate
 *
 * The app's certificate in the shape of a tenant's SSO state, so that the
 * dashboard's timeline and next actions, the reminders and the calendar
 * treat it as they treat a tenant's SSO certificate: one more source of
 * rows, computed where the others are.
 *
 * Returns: (transfer full): the app as the dashboard sees a tenant
 */
PvTenantInfo *
pv_entra_saml_app_new_info (const PvEntraSamlApp *app)
{
  g_autofree char *id = g_strconcat (SAML_INFO_PREFIX, app->service_principal_id, NULL);
  PvProfile profile = { id, (char *) "https://entra.microsoft.com", NULL, FALSE };
  PvTenantInfo *info = pv_tenant_info_new (&profile);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GError) error = NULL;

  pv_tenant_info_set_keeps_state (info, FALSE);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tenant");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, app->display_name != NULL ? app->display_name : app->service_principal_id);
  json_builder_set_member_name (builder, "api_key");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "owner");
  json_builder_add_string_value (builder, "Microsoft Entra");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "sso");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "configured");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, "saml");
  for (guint i = 0; i < 4; i++)
    {
      json_builder_set_member_name (builder, (const char *[]) { "entity_id", "reply_url", "sign_on_url", "metadata_url" }[i]);
      json_builder_add_string_value (builder, "");
    }
  json_builder_set_member_name (builder, "idp_entity_id");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "enforced");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "certificate");
  if (app->not_after > 0)
    {
      g_autofree char *not_after = pv_time_format (app->not_after);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, app->subject);
      json_builder_set_member_name (builder, "fingerprint_sha256");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "not_after");
      json_builder_add_string_value (builder, not_after);
      /* Judged when shown, as any expiry on the dashboard. */
      json_builder_set_member_name (builder, "state");
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  state = json_builder_get_root (builder);
  if (!pv_tenant_info_update_from_json (info, json_node_get_object (state), &error))
    g_critical ("A SAML app's certificate does not read as a tenant's: %s", error->message);
  return info;
}

/* The SAML certificates of the last import, kept between runs so that the
 * overview, the reminders (the app's and the timer's provisioctl remind) and
 * the calendar know them before, or without, the next import.  Only what
 * Graph lists of any app to any reader: names, thumbprints and dates. */

#define SAML_GROUP_PREFIX "saml "

/**
 * pv_entra_saml_state_file:
 *
 * Returns: (transfer full): $XDG_STATE_HOME/provisio/entra-saml.ini
 */
GFile *
pv_entra_saml_state_file (void)
{
  return pv_file_new_for_state ("entra-saml.ini");
}

/* A service principal id as a group name may hold it (no brackets, no
 * line ends) */
static gboolean
saml_id_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128 || !g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

/**
 * pv_entra_saml_apps_to_bytes:
 * @apps: (element-type PvEntraSamlApp): SAML apps
 *
 * Returns: (transfer full): @apps as the state file keeps them
 */
GBytes *
pv_entra_saml_apps_to_bytes (GPtrArray *apps)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  char *data;
  gsize length;

  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);
      g_autofree char *group = NULL;

      if (!saml_id_valid (app->service_principal_id))
        continue;
      group = g_strconcat (SAML_GROUP_PREFIX, app->service_principal_id, NULL);
      if (app->display_name != NULL)
        g_key_file_set_string (file, group, "name", app->display_name);
      if (app->thumbprint != NULL)
        g_key_file_set_string (file, group, "thumbprint", app->thumbprint);
      if (app->subject != NULL)
        g_key_file_set_string (file, group, "subject", app->subject);
      if (app->not_after != 0)
        {
          g_autofree char *not_after = pv_time_format (app->not_after);

          g_key_file_set_string (file, group, "not-after", not_after);
        }
      else
        g_key_file_set_string (file, group, "not-after", "");
    }
  data = g_key_file_to_data (file, &length, NULL);
  return g_bytes_new_take (data, length);
}

/**
 * pv_entra_saml_apps_from_data:
 * @data: the state file's contents (pv_entra_saml_apps_to_bytes())
 *
 * Returns: (transfer full) (element-type PvEntraSamlApp): the SAML apps
 *   kept, or %NULL with @error if @data is not such a file
 */
GPtrArray *
pv_entra_saml_apps_from_data (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, error))
    return NULL;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *id = groups[i] + strlen (SAML_GROUP_PREFIX);
      g_autofree char *not_after = NULL;
      PvEntraSamlApp *app;

      if (!g_str_has_prefix (groups[i], SAML_GROUP_PREFIX) || !saml_id_valid (id))
        continue;
      app = g_new0 (PvEntraSamlApp, 1);
      app->service_principal_id = g_strdup (id);
      app->display_name = g_key_file_get_string (file, groups[i], "name", NULL);
      app->thumbprint = g_key_file_get_string (file, groups[i], "thumbprint", NULL);
      app->subject = g_key_file_get_string (file, groups[i], "subject", NULL);
      not_after = g_key_file_get_string (file, groups[i], "not-after", NULL);
      if (not_after != NULL && *not_after != '\0' && !pv_time_parse (not_after, &app->not_after))
        app->not_after = 0;
      g_ptr_array_add (apps, app);
    }
  return g_steal_pointer (&apps);
}

/**
 * pv_entra_saml_apps_new_infos:
 * @apps: (element-type PvEntraSamlApp): SAML apps
 *
 * Returns: (transfer full) (element-type PvTenantInfo): the certificates
 *   whose expiry is known, each as pv_entra_saml_app_new_info() gives it
 */
GPtrArray *
pv_entra_saml_apps_new_infos (GPtrArray *apps)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);

      if (app->not_after != 0)
        g_ptr_array_add (infos, pv_entra_saml_app_new_info (app));
    }
  return infos;
}

/**
 * pv_entra_saml_describe_steps:
 * @info: a SAML app's certificate (pv_entra_saml_app_new_info())
 *
 * Returns: (transfer full) (nullable): the Entra steps to add and activate
 *   a new certificate and give it to the app (data/guides/entra-saml.guide),
 *   numbered, each its title on a line and its detail on the next, a blank
 *   line between them; %NULL if @info is not a SAML app's
 */
char *
pv_entra_saml_describe_steps (PvTenantInfo *info)
{
  const char *name = pv_entra_saml_info_get_app_name (info);
  g_autoptr(GPtrArray) steps = NULL;
  GString *text;

  if (name == NULL || (steps = pv_guide_steps ("entra", "saml", "users", name, "", NULL)) == NULL)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_string_append_printf (text, "%s%u. %s\n%s", i > 0 ? "\n\n" : "", i + 1, step->title, step->detail);
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  char           *display_name;
  PvEntraSamlApp *saml;       /* the active certificate, for a SAML app */
  PvEntraApp     *app;        /* with a job, or skipped with its problem */
  gboolean        probed;     /* its jobs were read since it last changed */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->display_name);
  pv_entra_saml_app_free (entry->saml);
  pv_entra_app_free (entry->app);
  g_free (entry);
}

struct _PvEntraEstate
{
  GObject     parent_instance;

  GHashTable *entries;       /* service principal id -> Entry */
  char       *delta_link;    /* where the next refresh starts, or NULL */
  gboolean    refreshing;
};

G_DEFINE_FINAL_TYPE (PvEntraEstate, pv_entra_estate, G_TYPE_OBJECT)

static void
pv_entra_estate_finalize (GObject *object)
{
  PvEntraEstate *self = PV_ENTRA_ESTATE (object);

  g_hash_table_unref (self->entries);
  g_free (self->delta_link);
  G_OBJECT_CLASS (pv_entra_estate_parent_class)->finalize (object);
}

static void
pv_entra_estate_class_init (PvEntraEstateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_entra_estate_finalize;
}

static void
pv_entra_estate_init (PvEntraEstate *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

PvEntraEstate *
pv_entra_estate_new (void)
{
  return g_object_new (PV_TYPE_ENTRA_ESTATE, NULL);
}

/**
 * pv_entra_estate_get_size:
 *
 * Returns: how many service principals the directory has, as last read
 */
guint
pv_entra_estate_get_size (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), 0);
  return g_hash_table_size (self->entries);
}

static gint
compare_apps (gconstpointer a,
              gconstpointer b)
{
  const PvEntraApp *x = *(PvEntraApp **) a;
  const PvEntraApp *y = *(PvEntraApp **) b;

  return g_utf8_collate (x->display_name, y->display_name);
}

static gint
compare_saml_apps (gconstpointer a,
                   gconstpointer b)
{
  const PvEntraSamlApp *x = *(PvEntraSamlApp **) a;
  const PvEntraSamlApp *y = *(PvEntraSamlApp **) b;

  return g_utf8_collate (x->display_name, y->display_name);
}

static GPtrArray *
collect_apps (PvEntraEstate *self,
              gboolean       skipped)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_app_free);
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->app != NULL && (entry->app->problem != NULL) == skipped)
      g_ptr_array_add (apps, app_copy (entry->app));
  g_ptr_array_sort (apps, compare_apps);
  return apps;
}

/**
 * pv_entra_estate_get_apps:
 *
 * Returns: (transfer container) (element-type PvEntraApp): the apps with a
 *   provisioning job, by name
 */
GPtrArray *
pv_entra_estate_get_apps (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  return collect_apps (self, FALSE);
}

/**
 * pv_entra_estate_get_skipped:
 *
 * Returns: (transfer container) (element-type PvEntraApp): the apps whose
 *   jobs could not be read, by name, each with its problem
 */
GPtrArray *
pv_entra_estate_get_skipped (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  return collect_apps (self, TRUE);
}

/**
 * pv_entra_estate_get_saml_apps:
 *
 * Returns: (transfer container) (element-type PvEntraSamlApp): the SAML
 *   apps with their active signing certificate, by name
 */
GPtrArray *
pv_entra_estate_get_saml_apps (PvEntraEstate *self)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  GHashTableIter iter;
  Entry *entry;

  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->saml != NULL)
      g_ptr_array_add (apps, saml_app_copy (entry->saml));
  g_ptr_array_sort (apps, compare_saml_apps);
  return apps;
}

typedef struct {
  PvGraph        *graph;
  gboolean        by_delta;     /* following the last read's delta link */
  char           *delta_link;   /* Graph's, once the listing is through */
  GPtrArray      *probes;       /* ids whose jobs are read */
  GPtrArray      *with_job;     /* ids whose secrets are read */
  PvProgressFunc  progress;
  gpointer        progress_data;
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_object_unref (r->graph);
  g_free (r->delta_link);
  g_clear_pointer (&r->probes, g_ptr_array_unref);
  g_clear_pointer (&r->with_job, g_ptr_array_unref);
  g_free (r);
}

static void
refresh_return (GTask  *task,
                GError *error)
{
  PvEntraEstate *self = g_task_get_source_object (task);

  self->refreshing = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_entra_base_address_from_secrets:
 * @answer: (nullable): a synchronization's secrets as Graph lists them
 *
 * The BaseAddress only.  Graph lists every stored key (SyncAll,
 * SyncNotificationSettings, SecretToken, …) with secret values masked as
 * "*"; none of them is kept.  Without it the admin picks the app by name.
 *
 * Returns: (nullable): the SCIM base URL the app's job uses
 */
char *
pv_entra_base_address_from_secrets (JsonNode *answer)
{
  JsonArray *value = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
    ? pv_json_array_member (json_node_get_object (answer), "value") : NULL;
  const char *found = NULL;

  for (guint i = 0; value != NULL && i < json_array_get_length (value); i++)
    {
      JsonNode *pair = json_array_get_element (value, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (pair) ? json_node_get_object (pair) : NULL;

      if (g_strcmp0 (pv_json_string_member (object, "key"), "BaseAddress") == 0 && pv_json_string_member (object, "value") != NULL)
        found = pv_json_string_member (object, "value");
    }
  /* Graph masks secret values as "*" (see docs/entra.md); a BaseAddress
   * that is not a web address is no address. */
  if (found == NULL || strlen (found) > 2048 ||
      !(g_str_has_prefix (found, "https://") || g_str_has_prefix (found, "http://")))
    return NULL;
  return g_strdup (found);
}

/* Whether an error ends the whole discovery: cancelled, the sign-in gone,
 * or Microsoft out of reach.  Anything else is one app's answer. */
static gboolean
stops_discovery (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_BLOCKED) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NETWORK);
}

static GStrv
paths_for (GPtrArray  *ids,
           const char *format)
{
  GStrv paths = g_new0 (char *, ids->len + 1);

  for (guint i = 0; i < ids->len; i++)
    paths[i] = g_strdup_printf (format, (const char *) g_ptr_array_index (ids, i));
  return paths;
}

static void
secrets_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) answers = pv_graph_batch_finish (PV_GRAPH (source), result, &error);

  if (answers == NULL)
    {
      refresh_return (task, error);
      return;
    }
  for (guint i = 0; i < answers->len; i++)
    {
      PvGraphAnswer *answer = g_ptr_array_index (answers, i);
      Entry *entry = g_hash_table_lookup (self->entries, g_ptr_array_index (r->with_job, i));

      if (answer->error != NULL && stops_discovery (answer->error))
        {
          refresh_return (task, g_error_copy (answer->error));
          return;
        }
      if (entry == NULL || entry->app == NULL)
        continue;
      g_free (entry->app->base_address);
      entry->app->base_address = pv_entra_base_address_from_secrets (answer->body);
    }
  /* Only now is the directory read as of the delta link. */
  g_free (self->delta_link);
  self->delta_link = g_steal_pointer (&r->delta_link);
  refresh_return (task, NULL);
}

/* What one app's .../synchronization/jobs answered. */
static void
read_jobs (Entry         *entry,
           const char    *id,
           PvGraphAnswer *answer)
{
  JsonArray *value = answer->body != NULL ? pv_json_array_member (json_node_get_object (answer->body), "value") : NULL;
  g_autoptr(PvEntraApp) app = g_new0 (PvEntraApp, 1);
  g_autoptr(GError) odd = NULL;

  app->service_principal_id = g_strdup (id);
  app->display_name = g_strdup (entry->display_name != NULL ? entry->display_name : id);
  g_clear_pointer (&entry->app, pv_entra_app_free);
  entry->probed = TRUE;
  if (answer->error != NULL)
    {
      /* Microsoft does not document what apps without provisioning, or its
       * own first-party apps, answer here: 404 is "no provisioning"; any
       * other answer skips that app, counted and shown, and the scan goes
       * on. */
      if (g_error_matches (answer->error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND))
        return;
      app->problem = g_strdup (answer->error->message);
    }
  else if (value == NULL)
    {
      pv_entra_set_invalid (&odd, "value");
      app->problem = g_strdup (odd->message);
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (value) && app->job == NULL; i++)
        {
          JsonNode *job = json_array_get_element (value, i);

          if (JSON_NODE_HOLDS_OBJECT (job))
            app->job = pv_entra_job_new_from_json (json_node_get_object (job), NULL);
        }
      if (app->job == NULL && json_array_get_length (value) == 0)
        return;
      if (app->job == NULL)
        {
          pv_entra_set_invalid (&odd, "status.code");
          app->problem = g_strdup (odd->message);
        }
    }
  if (app->problem != NULL)
    g_debug ("Skipping enterprise app %s: %s", id, app->problem);
  entry->app = g_steal_pointer (&app);
}

static void
jobs_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) answers = pv_graph_batch_finish (PV_GRAPH (source), result, &error);
  g_auto(GStrv) paths = NULL;
  GCancellable *cancellable;

  if (answers == NULL)
    {
      refresh_return (task, error);
      return;
    }
  r->with_job = g_ptr_array_new ();
  for (guint i = 0; i < answers->len; i++)
    {
      PvGraphAnswer *answer = g_ptr_array_index (answers, i);
      const char *id = g_ptr_array_index (r->probes, i);
      Entry *entry = g_hash_table_lookup (self->entries, id);

      if (answer->error != NULL && stops_discovery (answer->error))
        {
          refresh_return (task, g_error_copy (answer->error));
          return;
        }
      if (entry == NULL)
        continue;
      read_jobs (entry, id, answer);
      if (entry->app != NULL && entry->app->job != NULL)
        g_ptr_array_add (r->with_job, (gpointer) id);
    }
  paths = paths_for (r->with_job, "/servicePrincipals/%s/synchronization/secrets");
  cancellable = g_task_get_cancellable (task);
  pv_graph_batch_async (r->graph, (const char * const *) paths, r->with_job->len, NULL, NULL,
                        cancellable, secrets_cb, g_steal_pointer (&task));
}

/* One service principal of a delta page: new, changed (only the changed
 * properties may come), or removed. */
static void
take_listed (PvEntraEstate *self,
             JsonObject    *object)
{
  const char *id = pv_json_string_member (object, "id");
  Entry *entry;

  /* The id goes into a path: only what Graph's ids look like. */
  if (!pv_entra_valid_id (id))
    return;
  if (json_object_has_member (object, "@removed"))
    {
      g_hash_table_remove (self->entries, id);
      return;
    }
  entry = g_hash_table_lookup (self->entries, id);
  if (entry == NULL)
    {
      if (g_hash_table_size (self->entries) >= PV_ENTRA_MAX_APPS)
        return;
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (id), entry);
    }
  if (pv_json_string_member (object, "displayName") != NULL)
    {
      g_free (entry->display_name);
      entry->display_name = g_strdup (pv_json_string_member (object, "displayName"));
    }
  if (json_object_has_member (object, "preferredSingleSignOnMode") ||
      json_object_has_member (object, "preferredTokenSigningKeyThumbprint") ||
      json_object_has_member (object, "keyCredentials"))
    {
      g_clear_pointer (&entry->saml, pv_entra_saml_app_free);
      entry->saml = pv_entra_saml_app_new_from_json (object);
    }
  if (entry->saml != NULL && entry->display_name != NULL)
    {
      g_free (entry->saml->display_name);
      entry->saml->display_name = g_strdup (entry->display_name);
    }
  entry->probed = FALSE;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);
  JsonArray *value;
  const char *next, *delta;
  g_auto(GStrv) paths = NULL;
  GCancellable *cancellable;
  GHashTableIter iter;
  const char *id;
  Entry *entry;

  if (answer == NULL && r->by_delta && error != NULL && !stops_discovery (error))
    {
      /* Graph no longer knows the delta link (it answers 410 Gone when the
       * state is too old, "Use delta query", resyncRequired): read the
       * whole directory again, once. */
      g_debug ("Reading the whole directory again: %s", error->message);
      g_clear_error (&error);
      g_hash_table_remove_all (self->entries);
      g_clear_pointer (&self->delta_link, g_free);
      r->by_delta = FALSE;
      cancellable = g_task_get_cancellable (task);
      pv_graph_request_async (r->graph, "GET", DELTA_QUERY, NULL, cancellable, listed_cb, g_steal_pointer (&task));
      return;
    }
  if (answer == NULL)
    {
      if (error == NULL)
        pv_entra_set_invalid (&error, "value");
      refresh_return (task, error);
      return;
    }
  value = pv_json_array_member (json_node_get_object (answer), "value");
  if (value == NULL)
    {
      pv_entra_set_invalid (&error, "value");
      refresh_return (task, error);
      return;
    }
  /* Once a page came, the link held. */
  r->by_delta = FALSE;
  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonNode *node = json_array_get_element (value, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        take_listed (self, json_node_get_object (node));
    }
  if (r->progress != NULL)
    r->progress (0, g_hash_table_size (self->entries), r->progress_data);
  next = pv_json_string_member (json_node_get_object (answer), "@odata.nextLink");
  if (next != NULL)
    {
      cancellable = g_task_get_cancellable (task);
      pv_graph_request_async (r->graph, "GET", next, NULL, cancellable, listed_cb, g_steal_pointer (&task));
      return;
    }
  delta = pv_json_string_member (json_node_get_object (answer), "@odata.deltaLink");
  r->delta_link = g_strdup (delta);

  /* The jobs of what is new or changed, and again of what provisions. */
  r->probes = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &entry))
    if (!entry->probed || entry->app != NULL)
      g_ptr_array_add (r->probes, (gpointer) id);
  paths = paths_for (r->probes, "/servicePrincipals/%s/synchronization/jobs");
  cancellable = g_task_get_cancellable (task);
  pv_graph_batch_async (r->graph, (const char * const *) paths, r->probes->len, r->progress, r->progress_data,
                        cancellable, jobs_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_estate_refresh_async:
 * @progress: (nullable): told how many apps were looked at, of how many
 *
 * Brings the estate up to date: the first time by reading the whole
 * directory, later by Graph's delta of it.  The estate's ids are borrowed
 * by the running refresh: one refresh at a time.
 */
void
pv_entra_estate_refresh_async (PvEntraEstate       *self,
                               PvGraph             *graph,
                               PvProgressFunc       progress,
                               gpointer             progress_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Refresh *r;

  g_return_if_fail (PV_IS_ENTRA_ESTATE (self));
  g_task_set_source_tag (task, pv_entra_estate_refresh_async);
  if (self->refreshing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The Entra estate is being read already");
      return;
    }
  self->refreshing = TRUE;
  r = g_new0 (Refresh, 1);
  r->graph = g_object_ref (graph);
  r->progress = progress;
  r->progress_data = progress_data;
  r->by_delta = self->delta_link != NULL;
  g_task_set_task_data (task, r, (GDestroyNotify) refresh_free);
  pv_graph_request_async (graph, "GET", self->delta_link != NULL ? self->delta_link : DELTA_QUERY,
                          NULL, cancellable, listed_cb, g_steal_pointer (&task));
}

gboolean
pv_entra_estate_refresh_finish (PvEntraEstate  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_estate_refresh_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  PvEntraEstate *estate;
  GPtrArray     *skipped;
} Discover;

static void
discover_free (Discover *d)
{
  g_object_unref (d->estate);
  g_clear_pointer (&d->skipped, g_ptr_array_unref);
  g_free (d);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discover *d = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pv_entra_estate_refresh_finish (d->estate, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  d->skipped = pv_entra_estate_get_skipped (d->estate);
  g_task_return_pointer (task, pv_entra_estate_get_apps (d->estate), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * pv_entra_discover_async:
 * @progress: (nullable): told how many apps were looked at, of how many
 *
 * Lists the directory's enterprise apps that have a provisioning job, with
 * the SCIM base URL each job uses where Graph tells it: a new estate's
 * first refresh.
 */
void
pv_entra_discover_async (PvGraph             *graph,
                         PvProgressFunc       progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  Discover *d = g_new0 (Discover, 1);

  g_task_set_source_tag (task, pv_entra_discover_async);
  d->estate = pv_entra_estate_new ();
  g_task_set_task_data (task, d, (GDestroyNotify) discover_free);
  pv_entra_estate_refresh_async (d->estate, graph, progress, progress_data, cancellable,
                                 discovered_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_discover_finish:
 * @skipped: (out) (optional) (transfer container) (element-type PvEntraApp):
 *   the apps whose jobs could not be read, by name, each with its problem
 *
 * Returns: (transfer container) (element-type PvEntraApp): by name
 */
GPtrArray *
pv_entra_discover_finish (GAsyncResult  *result,
                          GPtrArray    **skipped,
                          GError       **error)
{
  Discover *d;
  GPtrArray *apps;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_discover_async, NULL);
  d = g_task_get_task_data (G_TASK (result));
  apps = g_task_propagate_pointer (G_TASK (result), error);
  if (skipped != NULL)
    *skipped = apps != NULL ? g_ptr_array_ref (d->skipped) : NULL;
  return apps;
}
