/* pvd-scim-store.c: SCIM users and groups of a provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim-store"

#include "config.h"

#include "pvd-scim-store.h"
#include "pvd-store-private.h"

/* A resource is one row: the attributes as JSON text, and beside them the
 * few values that need an index (the unique userName, externalId) or that
 * the server owns (id, times, version). */

#define RESOURCE_COLUMNS "id, type, external_id, name, attributes, created_at, modified_at, version"

void
pvd_scim_resource_free (PvdScimResource *resource)
{
  if (resource == NULL)
    return;
  g_free (resource->id);
  g_free (resource->external_id);
  g_free (resource->name);
  g_clear_pointer (&resource->attributes, json_object_unref);
  g_free (resource->text);
  g_clear_pointer (&resource->groups, g_ptr_array_unref);
  g_free (resource);
}

const char *
pvd_scim_type_name (PvdScimType type)
{
  return type == PVD_SCIM_USER ? "User" : "Group";
}

/* A new resource's id: a UUID of version 7 (RFC 9562 §5.7), the time in
 * milliseconds and then 74 random bits, rather than one all random.  The
 * id is in the primary key's index: ids that follow one another make each
 * insert land on that index's last page, which the ones before it already
 * changed, rather than on a page of its own anywhere in it, so that a
 * group commit writes a page fewer per user, and the pages a load touches
 * stay few at a million users.  Clients take the id as opaque (RFC 7643
 * §3.1); when it was made is meta.created already. */
static char *
new_id (void)
{
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  guint32 r[3] = { g_random_int (), g_random_int (), g_random_int () };

  return g_strdup_printf ("%08x-%04x-%04x-%04x-%04x%08x",
                          (guint32) (ms >> 16),
                          (guint) (ms & 0xffff),
                          0x7000 | (r[0] & 0x0fff),
                          0x8000 | ((r[0] >> 12) & 0x3fff),
                          r[1] & 0xffff, r[2]);
}

/* userName is unique without regard to case (RFC 7643 §4.1.1): the key is
 * the case-folded, normalized name. */
static char *
name_key (const char *name)
{
  g_autofree char *normalized = g_utf8_normalize (name, -1, G_NORMALIZE_NFKC);

  return g_utf8_casefold (normalized ? normalized : name, -1);
}

static void
set_not_found (GError      **error,
               PvdScimType   type,
               const char   *id)
{
  g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND, "%s %s not found", pvd_scim_type_name (type), id);
}

/* The attributes are parsed when first asked for: a resource that is only
 * sent is written from its text (a look-up spent a fifth to two fifths of
 * its time parsing it and writing it again, docs/benchmarks.md). */
static PvdScimResource *
resource_from_row (PvdStmt *stmt)
{
  PvdScimResource *resource = g_new0 (PvdScimResource, 1);

  resource->id = pvd_column_text (stmt, 0);
  resource->type = g_strcmp0 (pvd_column_peek_text (stmt, 1), "Group") == 0
                   ? PVD_SCIM_GROUP : PVD_SCIM_USER;
  resource->external_id = pvd_column_text (stmt, 2);
  resource->name = pvd_column_text (stmt, 3);
  resource->text = pvd_column_text (stmt, 4);
  resource->created_at = pvd_column_int64 (stmt, 5);
  resource->modified_at = pvd_column_int64 (stmt, 6);
  resource->version = pvd_column_int64 (stmt, 7);
  return resource;
}

/**
 * pvd_scim_resource_get_attributes:
 *
 * Returns: (transfer none): @resource's attributes, parsed from its stored
 *   text the first time; NULL with an error if that text is not a JSON
 *   object (a damaged database)
 */
JsonObject *
pvd_scim_resource_get_attributes (PvdScimResource  *resource,
                                  GError          **error)
{
  g_autoptr(JsonNode) node = NULL;

  if (resource->attributes != NULL)
    return resource->attributes;
  node = resource->text ? json_from_string (resource->text, NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "The stored resource %s is damaged", resource->id);
      return NULL;
    }
  resource->attributes = json_node_dup_object (node);
  return resource->attributes;
}

static char *
attributes_to_text (JsonObject *attributes)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), attributes);

  return json_to_string (node, FALSE);
}

static const char *
string_member (JsonObject *attributes,
               const char *member)
{
  JsonNode *node = json_object_has_member (attributes, member)
                   ? json_object_get_member (attributes, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
check_uniqueness (PvdStore    *store,
                  PvdScimType  type,
                  const char  *name,
                  GError     **error)
{
  if (pvd_db_error_kind (store->db) == PVD_DB_UNIQUE)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_EXISTS,
                   type == PVD_SCIM_USER ? "A user with userName “%s” already exists"
                                         : "A group “%s” already exists", name);
      return FALSE;
    }
  return pvd_store_set_db_error (store, error);
}

/* Parameters 1 to 3 of every statement here: the connection and the type. */
static void
bind_connection (PvdStmt     *stmt,
                 gint64       tenant_id,
                 const char  *kind,
                 PvdScimType  type)
{
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  pvd_bind_text (stmt, 3, pvd_scim_type_name (type));
}

/* Runs an INSERT or UPDATE whose parameters are, in order: tenant, kind,
 * type, id, externalId, name, name key, attributes, time; @out_text, if
 * not NULL, gets the attributes' text as stored. */
static gboolean
write_resource (PvdStore     *store,
                const char   *sql,
                gint64        tenant_id,
                const char   *kind,
                PvdScimType   type,
                const char   *id,
                JsonObject   *attributes,
                gint64        now,
                PvdStmt     **out_pending,
                char        **out_text,
                GError      **error)
{
  const char *name = string_member (attributes, type == PVD_SCIM_USER ? "userName" : "displayName");
  g_autoptr(PvdStmt) stmt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  json_object_remove_member (attributes, "id");
  json_object_remove_member (attributes, "meta");
  key = name_key (name);
  text = attributes_to_text (attributes);

  if (!(stmt = pvd_store_prepare (store, sql, error)))
    return FALSE;
  bind_connection (stmt, tenant_id, kind, type);
  pvd_bind_text (stmt, 4, id);
  pvd_bind_text (stmt, 5, string_member (attributes, "externalId"));
  pvd_bind_text (stmt, 6, name);
  pvd_bind_text (stmt, 7, key);
  pvd_bind_text (stmt, 8, text);
  pvd_bind_int64 (stmt, 9, now);
  if (out_text != NULL)
    *out_text = g_strdup (text);
  if (out_pending != NULL)
    {
      /* bound, run later with the change's event (insert_later) */
      *out_pending = g_steal_pointer (&stmt);
      return TRUE;
    }
  if (pvd_stmt_step (stmt) != PVD_STEP_DONE)
    return check_uniqueness (store, type, name,
                             error);
  if (pvd_db_changes (stmt->db) == 0)
    {
      set_not_found (error, type, id);
      return FALSE;
    }
  return TRUE;
}

/* A group's members are also rows of scim_group_members, written in the
 * same transaction as the group: a user's groups (RFC 7643 §4.1.2) are read
 * from there.  Every member's value is a row, whatever it names; a user
 * whose memberships change, or whose group is renamed, gets a new version,
 * as its `groups` changed. */

static const char savepoint_sql[] = "SAVEPOINT scim_write";
static const char release_sql[] = "RELEASE scim_write";
static const char rollback_sql[] = "ROLLBACK TO scim_write";

/* One change of the store happens whole or not at all, even inside the
 * request's transaction: a change of several statements (@needed) runs
 * under a savepoint.  A user's row alone is one statement. */
static gboolean
savepoint_begin (PvdStore  *store,
                 gboolean   needed,
                 GError   **error)
{
  return !needed || pvd_store_run_sql (store, savepoint_sql, error);
}

static gboolean
savepoint_end (PvdStore  *store,
               gboolean   needed,
               gboolean   ok)
{
  if (needed && !ok)
    pvd_store_run_sql (store, rollback_sql, NULL);
  if (needed)
    pvd_store_run_sql (store, release_sql, NULL);
  return ok;
}

/* The member values of a group's attributes (or of none), as a set. */
static GHashTable *
member_values (JsonObject *attributes)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonNode *members = attributes && json_object_has_member (attributes, "members")
                      ? json_object_get_member (attributes, "members") : NULL;

  if (members == NULL || !JSON_NODE_HOLDS_ARRAY (members))
    return values;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (members)); i++)
    {
      JsonNode *member = json_array_get_element (json_node_get_array (members), i);
      const char *value = JSON_NODE_HOLDS_OBJECT (member)
                          ? string_member (json_node_get_object (member), "value") : NULL;

      if (value != NULL)
        g_hash_table_add (values, g_strdup (value));
    }
  return values;
}

/* A statement whose parameters 1 and 2 are the connection, and 3 @id. */
static PvdStmt *
prepare_for (PvdStore    *store,
             const char  *sql,
             gint64       tenant_id,
             const char  *kind,
             const char  *id,
             GError     **error)
{
  PvdStmt *stmt = pvd_store_prepare (store, sql, error);

  if (stmt != NULL)
    {
      pvd_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      pvd_bind_text (stmt, 3, id);
    }
  return stmt;
}

/* A user's groups changed: its version goes up (RFC 7644 §3.14). */
static gboolean
touch_user (PvdStore    *store,
            gint64       tenant_id,
            const char  *kind,
            const char  *id,
            gint64       now,
            GError     **error)
{
  static const char sql[] =
    "UPDATE scim_resources SET version = version + 1, modified_at = ?4"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = 'User' AND id = ?3";
  g_autoptr(PvdStmt) stmt = prepare_for (store, sql, tenant_id, kind, id, error);

  if (stmt != NULL)
    pvd_bind_int64 (stmt, 4, now);
  return stmt != NULL && pvd_store_run (store, stmt, error);
}

static gboolean
write_membership (PvdStore    *store,
                  const char  *sql,
                  gint64       tenant_id,
                  const char  *kind,
                  const char  *group_id,
                  const char  *member_id,
                  GError     **error)
{
  g_autoptr(PvdStmt) stmt = prepare_for (store, sql, tenant_id, kind, group_id, error);

  if (stmt != NULL)
    pvd_bind_text (stmt, 4, member_id);
  return stmt != NULL && pvd_store_run (store, stmt, error);
}

/* The ids in one column of scim_group_members, for one group or member. */
static GHashTable *
membership_ids (PvdStore    *store,
                const char  *sql,
                gint64       tenant_id,
                const char  *kind,
                const char  *id,
                GError     **error)
{
  g_autoptr(PvdStmt) stmt = prepare_for (store, sql, tenant_id, kind, id, error);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_hash_table_add (ids, pvd_column_text (stmt, 0));
  if (rc != PVD_STEP_DONE)
    {
      pvd_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static const char members_of_sql[] =
  "SELECT member_id FROM scim_group_members WHERE tenant_id = ?1 AND kind = ?2 AND group_id = ?3";
static const char groups_of_sql[] =
  "SELECT group_id FROM scim_group_members WHERE tenant_id = ?1 AND kind = ?2 AND member_id = ?3";

/* Brings the rows of group @group_id to the members in @attributes (none
 * when the group is gone); with @renamed, every member's groups changed. */
static gboolean
sync_members (PvdStore    *store,
              gint64       tenant_id,
              const char  *kind,
              const char  *group_id,
              JsonObject  *attributes,
              gboolean     renamed,
              gint64       now,
              GError     **error)
{
  static const char insert_sql[] =
    "INSERT INTO scim_group_members (tenant_id, kind, group_id, member_id)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
  static const char delete_sql[] =
    "DELETE FROM scim_group_members WHERE tenant_id = ?1 AND kind = ?2 AND group_id = ?3"
    " AND member_id = ?4";
  g_autoptr(GHashTable) old = membership_ids (store, members_of_sql, tenant_id, kind, group_id, error);
  g_autoptr(GHashTable) new = member_values (attributes);
  GHashTableIter iter;
  const char *member;

  if (old == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, (gpointer *) &member, NULL))
    if (!g_hash_table_contains (new, member)
        ? !write_membership (store, delete_sql, tenant_id, kind, group_id, member, error) ||
          !touch_user (store, tenant_id, kind, member, now, error)
        : renamed && !touch_user (store, tenant_id, kind, member, now, error))
      return FALSE;
  g_hash_table_iter_init (&iter, new);
  while (g_hash_table_iter_next (&iter, (gpointer *) &member, NULL))
    if (!g_hash_table_contains (old, member) &&
        (!write_membership (store, insert_sql, tenant_id, kind, group_id, member, error) ||
         !touch_user (store, tenant_id, kind, member, now, error)))
      return FALSE;
  return TRUE;
}

/**
 * pvd_scim_store_create:
 * @attributes: the resource as the client sent it, already checked; `id`
 *   and `meta` are not kept
 *
 * Returns: (transfer full): the new resource, with its id and version
 */
PvdScimResource *
pvd_scim_store_create (PvdStore     *store,
                       gint64        tenant_id,
                       const char   *kind,
                       PvdScimType   type,
                       JsonObject   *attributes,
                       gint64        now,
                       GError      **error)
{
  static const char sql[] =
    "INSERT INTO scim_resources (tenant_id, kind, type, id, external_id, name, name_key,"
    " attributes, created_at, modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1)";
  /* Where the writer's database learns a write's outcome at the commit
   * (insert_later), a user and the change's event are one statement, sent
   * without waiting for it (pvd_store_add_event() binds the event's
   * parameters and sends it): the user is inserted ON CONFLICT DO NOTHING,
   * the event's status is the request's if it was and a uniqueness
   * conflict's if not, and what it returns, the users inserted, is read at
   * the commit by the writer (pvd_writer_end()), which answers 409 for 0.
   * PostgreSQL's SQL only (a data-modifying WITH). */
  static const char sql_later[] =
    "WITH r AS (INSERT INTO scim_resources (tenant_id, kind, type, id, external_id, name, name_key,"
    " attributes, created_at, modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1)"
    " ON CONFLICT DO NOTHING RETURNING 1)"
    " INSERT INTO events (tenant_id, kind, at, type, token_id, token_prefix, operation,"
    " status, user_agent, detail) VALUES (?1, ?2, ?10, ?11, ?12, ?13, ?14,"
    " CASE WHEN EXISTS (SELECT 1 FROM r) THEN ?15 ELSE 409 END, ?16, ?17)"
    " RETURNING (SELECT count(*) FROM r)";
  g_autofree char *id = new_id ();
  g_autofree char *text = NULL;
  gboolean group = type == PVD_SCIM_GROUP;
  PvdScimResource *resource;

  if (!group && store->insert_later)
    {
      pvd_store_clear_pending (store);
      if (!write_resource (store, sql_later, tenant_id, kind, type, id, attributes, now,
                           &store->pending_stmt, &text, error))
        return NULL;
      store->pending_name = g_strdup (string_member (attributes, "userName"));
    }
  else if (!savepoint_begin (store, group, error) ||
      !savepoint_end (store, group,
                      write_resource (store, sql, tenant_id, kind, type, id, attributes, now, NULL, &text, error) &&
                      (!group || sync_members (store, tenant_id, kind, id, attributes, FALSE, now, error))))
    return NULL;

  resource = g_new0 (PvdScimResource, 1);
  resource->id = g_steal_pointer (&id);
  resource->type = type;
  resource->external_id = g_strdup (string_member (attributes, "externalId"));
  resource->name = g_strdup (string_member (attributes, type == PVD_SCIM_USER ? "userName" : "displayName"));
  /* sent from the text stored, as a resource read back would be */
  resource->text = g_steal_pointer (&text);
  resource->created_at = now;
  resource->modified_at = now;
  resource->version = 1;
  return resource;
}

PvdScimResource *
pvd_scim_store_get (PvdStore     *store,
                    gint64        tenant_id,
                    const char   *kind,
                    PvdScimType   type,
                    const char   *id,
                    GError      **error)
{
  static const char sql[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND id = ?4";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_connection (stmt, tenant_id, kind, type);
  pvd_bind_text (stmt, 4, id);
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    return resource_from_row (stmt);
  if (rc == PVD_STEP_DONE)
    set_not_found (error, type, id);
  else
    pvd_store_set_db_error (store, error);
  return NULL;
}

/**
 * pvd_scim_store_get_user:
 *
 * pvd_scim_store_get() of a user, with its groups (@groups), in one
 * statement.
 */
PvdScimResource *
pvd_scim_store_get_user (PvdStore     *store,
                         gint64        tenant_id,
                         const char   *kind,
                         const char   *id,
                         GError      **error)
{
  g_autoptr(GPtrArray) found = pvd_scim_store_lookup (store, tenant_id, kind, PVD_SCIM_USER, "id", id, error);

  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      set_not_found (error, PVD_SCIM_USER, id);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

/**
 * pvd_scim_store_replace:
 * @attributes: the resource's new attributes, already checked
 *
 * Returns: (transfer full): the resource as it now stands, its version one up
 */
PvdScimResource *
pvd_scim_store_replace (PvdStore     *store,
                        gint64        tenant_id,
                        const char   *kind,
                        PvdScimType   type,
                        const char   *id,
                        JsonObject   *attributes,
                        gint64        now,
                        GError      **error)
{
  static const char sql[] =
    "UPDATE scim_resources SET external_id = ?5, name = ?6, name_key = ?7, attributes = ?8,"
    " modified_at = ?9, version = version + 1"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND id = ?4";
  static const char name_sql[] =
    "SELECT name FROM scim_resources WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND id = ?4";
  g_autofree char *old_name = NULL;
  gboolean ok;

  if (type == PVD_SCIM_GROUP)
    {
      g_autoptr(PvdStmt) stmt = pvd_store_prepare (store, name_sql, error);

      if (stmt == NULL)
        return NULL;
      bind_connection (stmt, tenant_id, kind, type);
      pvd_bind_text (stmt, 4, id);
      if (pvd_stmt_step (stmt) == PVD_STEP_ROW)
        old_name = pvd_column_text (stmt, 0);
    }

  if (!savepoint_begin (store, type == PVD_SCIM_GROUP, error))
    return NULL;
  ok = write_resource (store, sql, tenant_id, kind, type, id, attributes, now, NULL, NULL, error) &&
       (type != PVD_SCIM_GROUP ||
        sync_members (store, tenant_id, kind, id, attributes,
                      g_strcmp0 (old_name, string_member (attributes, "displayName")) != 0, now, error));
  if (!savepoint_end (store, type == PVD_SCIM_GROUP, ok))
    return NULL;
  return pvd_scim_store_get (store, tenant_id, kind, type, id, error);
}

/* A resource is going: it leaves every group that has it as a member,
 * each group's version one up. */
static gboolean
leave_groups (PvdStore    *store,
              gint64       tenant_id,
              const char  *kind,
              const char  *id,
              gint64       now,
              GError     **error)
{
  g_autoptr(GHashTable) groups = membership_ids (store, groups_of_sql, tenant_id, kind, id, error);
  GHashTableIter iter;
  const char *group_id;

  if (groups == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &group_id, NULL))
    {
      g_autoptr(PvdScimResource) group = NULL;
      g_autoptr(PvdScimResource) changed = NULL;
      JsonObject *attributes;
      JsonNode *members;
      g_autoptr(JsonArray) kept = json_array_new ();

      /* a group that is its own member is gone with it */
      if (g_str_equal (group_id, id))
        continue;
      group = pvd_scim_store_get (store, tenant_id, kind, PVD_SCIM_GROUP,
                                  group_id, error);

      if (group == NULL || !(attributes = pvd_scim_resource_get_attributes (group, error)))
        return FALSE;
      members = json_object_get_member (attributes, "members");
      for (guint i = 0; members && JSON_NODE_HOLDS_ARRAY (members) &&
                        i < json_array_get_length (json_node_get_array (members)); i++)
        {
          JsonNode *member = json_array_get_element (json_node_get_array (members), i);

          if (!JSON_NODE_HOLDS_OBJECT (member) ||
              g_strcmp0 (string_member (json_node_get_object (member), "value"), id) != 0)
            json_array_add_element (kept, json_node_copy (member));
        }
      if (json_array_get_length (kept) > 0)
        json_object_set_array_member (attributes, "members", g_steal_pointer (&kept));
      else
        json_object_remove_member (attributes, "members");
      changed = pvd_scim_store_replace (store, tenant_id, kind, PVD_SCIM_GROUP, group_id,
                                        attributes, now, error);
      if (changed == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
delete_row (PvdStore     *store,
            gint64        tenant_id,
            const char   *kind,
            PvdScimType   type,
            const char   *id,
            GError      **error)
{
  static const char sql[] =
    "DELETE FROM scim_resources WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND id = ?4";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_connection (stmt, tenant_id, kind, type);
  pvd_bind_text (stmt, 4, id);
  if (!pvd_store_run (store, stmt, error))
    return FALSE;
  if (pvd_db_changes (stmt->db) == 0)
    {
      set_not_found (error, type, id);
      return FALSE;
    }
  return TRUE;
}

/**
 * pvd_scim_store_delete:
 * @now: the time of the change, for the groups it leaves and a group's
 *   members
 *
 * Deletes a resource; it leaves the groups it was a member of, and a
 * group's members lose it from their groups.
 */
gboolean
pvd_scim_store_delete (PvdStore     *store,
                       gint64        tenant_id,
                       const char   *kind,
                       PvdScimType   type,
                       const char   *id,
                       gint64        now,
                       GError      **error)
{
  if (!savepoint_begin (store, TRUE, error))
    return FALSE;
  return savepoint_end (store, TRUE, delete_row (store, tenant_id, kind, type, id, error) &&
                               leave_groups (store, tenant_id, kind, id, now, error) &&
                               (type != PVD_SCIM_GROUP ||
                                sync_members (store, tenant_id, kind, id, NULL, FALSE, now, error)));
}

/* A user's group as a row names it: its id at @column, its name at the
 * next. */
static PvdScimResource *
group_from_row (PvdStmt *stmt,
                int      column)
{
  PvdScimResource *group = g_new0 (PvdScimResource, 1);

  group->type = PVD_SCIM_GROUP;
  group->id = pvd_column_text (stmt, column);
  group->name = pvd_column_text (stmt, column + 1);
  return group;
}

/**
 * pvd_scim_store_user_groups:
 * @user_id: a user's id
 *
 * The groups that have @user_id as a member, by displayName, from the
 * members' index.
 *
 * Returns: (transfer full) (element-type PvdScimResource): the groups, their
 *   id and name only (no attributes)
 */
GPtrArray *
pvd_scim_store_user_groups (PvdStore     *store,
                            gint64        tenant_id,
                            const char   *kind,
                            const char   *user_id,
                            GError      **error)
{
  static const char sql[] =
    "SELECT r.id, r.name FROM scim_group_members m JOIN scim_resources r"
    " ON r.tenant_id = m.tenant_id AND r.kind = m.kind AND r.type = 'Group' AND r.id = m.group_id"
    " WHERE m.tenant_id = ?1 AND m.kind = ?2 AND m.member_id = ?3 ORDER BY r.name_key, r.id";
  g_autoptr(PvdStmt) stmt = prepare_for (store, sql, tenant_id, kind, user_id, error);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_ptr_array_add (groups, group_from_row (stmt, 0));
  if (rc != PVD_STEP_DONE)
    {
      pvd_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&groups);
}

/* Every row of a stepped statement, as resources. */
static GPtrArray *
collect (PvdStore  *store,
         PvdStmt   *stmt,
         GError   **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
  int rc;

  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_ptr_array_add (found, resource_from_row (stmt));
  if (rc != PVD_STEP_DONE)
    {
      pvd_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/* Users joined to their groups (the members' index, then each group's
 * row): one row per group, or one with NULLs for none, a user's rows
 * together.  @from names the users' rows "r".  One statement, so one round
 * trip on PostgreSQL, rather than one more a user
 * (pvd_scim_store_user_groups()). */
#define USERS_WITH_GROUPS(from, where, order) \
    "SELECT r.id, r.type, r.external_id, r.name, r.attributes, r.created_at, r.modified_at, r.version," \
    " g.id, g.name FROM " from \
    " LEFT JOIN scim_group_members m" \
    "  ON m.tenant_id = r.tenant_id AND m.kind = r.kind AND m.member_id = r.id" \
    " LEFT JOIN scim_resources g" \
    "  ON g.tenant_id = m.tenant_id AND g.kind = m.kind AND g.type = 'Group' AND g.id = m.group_id" \
    " WHERE " where " ORDER BY " order

/* The users of a stepped USERS_WITH_GROUPS statement, each with its
 * groups. */
static GPtrArray *
collect_with_groups (PvdStore  *store,
                     PvdStmt   *stmt,
                     GError   **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
  PvdScimResource *user = NULL;
  int rc;

  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    {
      if (user == NULL || g_strcmp0 (pvd_column_peek_text (stmt, 0), user->id) != 0)
        {
          user = resource_from_row (stmt);
          user->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
          g_ptr_array_add (found, user);
        }
      if (!pvd_column_is_null (stmt, 8))
        g_ptr_array_add (user->groups, group_from_row (stmt, 8));
    }
  if (rc != PVD_STEP_DONE)
    {
      pvd_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/**
 * pvd_scim_store_lookup:
 * @column: "name" (userName or displayName, case-insensitive), "externalId",
 *   "id", or "group" (the members of the group with id @value)
 * @value: the value to look for
 *
 * An indexed lookup, for the filters identity providers send all the time
 * (`userName eq "…"`, `externalId eq "…"`).
 *
 * Returns: (transfer full) (element-type PvdScimResource): the matches
 */
GPtrArray *
pvd_scim_store_lookup (PvdStore     *store,
                       gint64        tenant_id,
                       const char   *kind,
                       PvdScimType   type,
                       const char   *column,
                       const char   *value,
                       GError      **error)
{
  /* Each name in its own index (schema_v6 in pvd-db-sqlite.c): the type
   * written in the query, for the partial indexes to apply. */
  static const char by_user_name[] =
    USERS_WITH_GROUPS ("scim_resources r", "r.tenant_id = ?1 AND r.kind = ?2 AND r.type = 'User' AND r.name_key = ?3",
                       "g.name_key, g.id");
  static const char by_user_id[] =
    USERS_WITH_GROUPS ("scim_resources r", "r.tenant_id = ?1 AND r.kind = ?2 AND r.type = 'User' AND r.id = ?3",
                       "g.name_key, g.id");
  static const char by_group_name[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = 'Group' AND name_key = ?3 ORDER BY rowid";
  static const char by_external_id[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND external_id = ?4 ORDER BY rowid";
  static const char by_id[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 AND id = ?4";
  static const char by_group[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3"
    " AND id IN (SELECT member_id FROM scim_group_members"
    "            WHERE tenant_id = ?1 AND kind = ?2 AND group_id = ?4) ORDER BY rowid";
  g_autoptr(PvdStmt) stmt = NULL;
  g_autofree char *key = NULL;
  gboolean by_name = g_str_equal (column, "name");
  gboolean with_groups = type == PVD_SCIM_USER && (by_name || g_str_equal (column, "id"));
  const char *sql;

  if (by_name)
    {
      sql = type == PVD_SCIM_USER ? by_user_name : by_group_name;
      value = key = name_key (value);
    }
  else if (g_str_equal (column, "group"))
    {
      /* groups.value is not caseExact; provisiod's ids are lowercase */
      sql = by_group;
      value = key = g_ascii_strdown (value, -1);
    }
  else if (g_str_equal (column, "externalId"))
    sql = by_external_id;
  else
    sql = type == PVD_SCIM_USER ? by_user_id : by_id;

  if (!(stmt = pvd_store_prepare (store, sql, error)))
    return NULL;
  if (by_name || with_groups)
    {
      /* the type is in the query */
      pvd_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      pvd_bind_text (stmt, 3, value);
    }
  else
    {
      bind_connection (stmt, tenant_id, kind, type);
      pvd_bind_text (stmt, 4, value);
    }
  return with_groups ? collect_with_groups (store, stmt, error) : collect (store, stmt, error);
}

/**
 * pvd_scim_store_foreach:
 * @func: given each resource in creation order; returns %FALSE to stop
 *
 * Streams the resources of a type, for filters that no index answers.
 */
gboolean
pvd_scim_store_foreach (PvdStore            *store,
                        gint64               tenant_id,
                        const char          *kind,
                        PvdScimType          type,
                        PvdScimResourceFunc  func,
                        gpointer             user_data,
                        GError             **error)
{
  static const char sql[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 ORDER BY rowid";
  /* Not the shared cached statement: a callback may run other queries. */
  PvdStmt *stmt = NULL;
  int rc;

  if (!(stmt = pvd_db_prepare (store->db, sql, FALSE)))
    return pvd_store_set_db_error (store, error);
  bind_connection (stmt, tenant_id, kind, type);
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    {
      if (!func (resource_from_row (stmt), user_data))
        break;
    }
  if (rc != PVD_STEP_DONE && rc != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (store, error);
      pvd_stmt_free (stmt);
      return FALSE;
    }
  pvd_stmt_free (stmt);
  return TRUE;
}

/**
 * pvd_scim_store_page:
 * @offset: how many resources to skip, in creation order
 * @limit: how many to return at most
 * @out_total: (out): how many there are in all
 *
 * An unfiltered list, one page of it, without reading the others; users
 * with their groups (@groups).
 *
 * Returns: (transfer full) (element-type PvdScimResource): the page
 */
GPtrArray *
pvd_scim_store_page (PvdStore     *store,
                     gint64        tenant_id,
                     const char   *kind,
                     PvdScimType   type,
                     gint64        offset,
                     gint64        limit,
                     gint64       *out_total,
                     GError      **error)
{
  static const char count_sql[] =
    "SELECT count(*) FROM scim_resources WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3";
  static const char page_sql[] =
    "SELECT " RESOURCE_COLUMNS " FROM scim_resources"
    " WHERE tenant_id = ?1 AND kind = ?2 AND type = ?3 ORDER BY rowid LIMIT ?4 OFFSET ?5";
  /* Users come with their groups */
  static const char users_page_sql[] =
    USERS_WITH_GROUPS ("(SELECT rowid AS position, * FROM scim_resources"
                       " WHERE tenant_id = ?1 AND kind = ?2 AND type = 'User' ORDER BY rowid LIMIT ?3 OFFSET ?4) r",
                       "1 = 1", "r.position, g.name_key, g.id");
  g_autoptr(PvdStmt) stmt = NULL;

  if (!(stmt = pvd_store_prepare (store, count_sql, error)))
    return NULL;
  bind_connection (stmt, tenant_id, kind, type);
  if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (store, error);
      return NULL;
    }
  *out_total = pvd_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (type == PVD_SCIM_USER)
    {
      if (!(stmt = pvd_store_prepare (store, users_page_sql, error)))
        return NULL;
      pvd_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      pvd_bind_int64 (stmt, 3, limit);
      pvd_bind_int64 (stmt, 4, offset);
      return collect_with_groups (store, stmt, error);
    }
  if (!(stmt = pvd_store_prepare (store, page_sql, error)))
    return NULL;
  bind_connection (stmt, tenant_id, kind, type);
  pvd_bind_int64 (stmt, 4, limit);
  pvd_bind_int64 (stmt, 5, offset);
  return collect (store, stmt, error);
}

/**
 * pvd_scim_store_count:
 *
 * Returns: how many users and groups the connection holds, or -1
 */
gint64
pvd_scim_store_count (PvdStore     *store,
                      gint64        tenant_id,
                      const char   *kind,
                      GError      **error)
{
  static const char sql[] =
    "SELECT count(*) FROM scim_resources WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return -1;
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (store, error);
      return -1;
    }
  return pvd_column_int64 (stmt, 0);
}
