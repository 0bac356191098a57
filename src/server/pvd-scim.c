/* pvd-scim.c: the SCIM 2.0 endpoint of each provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-scim"

#include "config.h"

#include <string.h>

#include "pv-time.h"
#include "pvd-scim-filter.h"
#include "pvd-scim-patch.h"
#include "pvd-scim-schema.h"
#include "pvd-scim-store.h"
#include "pvd-auth.h"
#include "pvd-http.h"
#include "pvd-scim.h"
#include "pvd-scim-attributes.h"
#include "pvd-server-private.h"

#define SCHEMA_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCHEMA_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"

#define DEFAULT_COUNT 100
#define MAX_COUNT 1000

/* One SCIM request, authenticated. */
typedef struct {
  PvdServer         *server;
  PvdStore          *store;
  PvdMessage        *msg;
  const PvdTenant   *tenant;
  const char        *kind;
  const PvdToken    *token;
  PvdWorker         *worker;
  char              *base_url;
  const char        *method;
  GHashTable        *query;
  gint64             now;
} Scim;

/* Responses */

/* The database is away or busy: the identity provider retries. */
static void
send_unavailable (PvdMessage        *msg,
                  const GError      *error)
{
  g_warning ("%s", error->message);
  pvd_set_retry_after (msg, PVD_UNAVAILABLE_RETRY_AFTER);
  pvd_send_scim_error (msg, 503, NULL, "The database is unavailable; try again shortly");
}

static void
send_store_error (Scim         *s,
                  const GError *error)
{
  if (g_error_matches (error, PVD_ERROR, PVD_ERROR_NOT_FOUND))
    pvd_send_scim_error (s->msg, 404, NULL, "%s", error->message);
  else if (g_error_matches (error, PVD_ERROR, PVD_ERROR_EXISTS))
    pvd_send_scim_error (s->msg, 409, "uniqueness", "%s", error->message);
  else if (g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAVAILABLE))
    send_unavailable (s->msg, error);
  else
    {
      g_warning ("SCIM request failed: %s", error->message);
      pvd_send_scim_error (s->msg, 500, NULL, "The server could not complete the request");
    }
}

static char *
etag (gint64 version)
{
  return g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", version);
}

static const char *
type_path (PvdScimType type)
{
  return type == PVD_SCIM_USER ? "Users" : "Groups";
}

/* attributes= / excludedAttributes= (RFC 7644 §3.4.2.5) */
typedef struct {
  GStrv only;       /* lowercase attribute paths, or NULL */
  GStrv excluded;
} Projection;

static const Projection no_projection = { NULL, NULL };

static void
projection_clear (Projection *p)
{
  g_clear_pointer (&p->only, g_strfreev);
  g_clear_pointer (&p->excluded, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Projection, projection_clear)

static GStrv
split_attributes (const char *text)
{
  g_auto(GStrv) parts = NULL;
  GPtrArray *list;

  if (text == NULL || *text == '\0')
    return NULL;
  parts = g_strsplit (text, ",", 100);
  list = g_ptr_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *p = g_ascii_strdown (g_strstrip (parts[i]), -1);
      char *bracket = strchr (p, '[');

      /* "emails[type eq \"work\"]" is not in the RFC's grammar for this
       * parameter; it is read as the attribute it filters. */
      if (bracket != NULL)
        *bracket = '\0';

      /* "urn:…:User:userName" is the core attribute userName. */
      if (g_str_has_prefix (p, "urn:ietf:params:scim:schemas:core:2.0:"))
        {
          char *colon = strrchr (p, ':');
          char *plain = g_strdup (colon + 1);
          g_free (p);
          p = plain;
        }
      if (*p != '\0')
        g_ptr_array_add (list, p);
      else
        g_free (p);
    }
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (list, FALSE);
}

/* Whether @path (lowercase: "title", "name.givenname", "urn:…:user:manager")
 * is in @list, or, with @below, whether something below it is
 * ("name.givenname" below "name", "urn:…:user:department" below the
 * extension "urn:…:user"). */
static gboolean
listed (GStrv       list,
        const char *path,
        gboolean    below)
{
  gsize length = strlen (path);

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      if (g_str_equal (list[i], path))
        return TRUE;
      if (below && strncmp (list[i], path, length) == 0 &&
          (list[i][length] == '.' || list[i][length] == ':'))
        return TRUE;
    }
  return FALSE;
}

/* The sub-attributes of one complex value, at @path. */
static void
project_complex (JsonObject       *value,
                 const char       *path,
                 const Projection *p,
                 gboolean          whole)
{
  g_autoptr(GList) members = json_object_get_members (value);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *sub = g_ascii_strdown (l->data, -1);
      g_autofree char *sub_path = g_strdup_printf ("%s.%s", path, sub);

      if (listed (p->excluded, sub_path, FALSE) || (!whole && !listed (p->only, sub_path, FALSE)))
        json_object_remove_member (value, l->data);
    }
}

/* Projects the members of @object (the resource, or an extension object
 * whose URN is @prefix), as attributes= and excludedAttributes= ask. */
static void
project_members (JsonObject       *object,
                 const char       *prefix,
                 const Projection *p)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *folded = g_ascii_strdown (name, -1);
      g_autofree char *path = prefix ? g_strdup_printf ("%s:%s", prefix, folded) : g_strdup (folded);
      JsonNode *value = json_object_get_member (object, name);
      gboolean whole;

      /* returned: always (RFC 7643 §7) */
      if (prefix == NULL && (g_str_equal (name, "id") || g_str_equal (name, "schemas")))
        continue;
      if (listed (p->excluded, path, FALSE) ||
          (p->only != NULL && !listed (p->only, path, TRUE)))
        {
          json_object_remove_member (object, name);
          continue;
        }
      whole = p->only == NULL || listed (p->only, path, FALSE);

      /* An extension: its attributes are projected as the core ones. */
      if (prefix == NULL && strchr (name, ':') != NULL && JSON_NODE_HOLDS_OBJECT (value))
        {
          if (!whole || listed (p->excluded, path, TRUE))
            project_members (json_node_get_object (value), folded, &(Projection) {
                               whole ? NULL : p->only, p->excluded });
          continue;
        }
      if (JSON_NODE_HOLDS_OBJECT (value))
        project_complex (json_node_get_object (value), path, p, whole);
      else if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
              project_complex (json_array_get_object_element (array, i), path, p, whole);
        }
    }
}

static void
apply_projection (JsonObject       *object,
                  const Projection *p)
{
  project_members (object, NULL, p);
}

/* Whether an answer projected by @p holds a user's groups. */
static gboolean
wants_groups (const Projection *p)
{
  return p == NULL ||
         (!listed (p->excluded, "groups", FALSE) && (p->only == NULL || listed (p->only, "groups", TRUE)));
}

/* A user's groups (RFC 7643 §4.1.2) are the server's: the groups that have
 * the user as a member, from the members' index.  provisiod resolves no
 * nested groups: every membership is "direct". */
static JsonArray *
user_groups (Scim             *s,
             PvdScimResource  *r,
             GError          **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  JsonArray *array;

  if (r->groups != NULL)
    groups = g_ptr_array_ref (r->groups);    /* read with the user */
  else if (!(groups = pvd_scim_store_user_groups (s->store, s->tenant->id, s->kind, r->id, error)))
    return NULL;
  array = json_array_sized_new (groups->len);
  for (guint i = 0; i < groups->len; i++)
    {
      PvdScimResource *group = g_ptr_array_index (groups, i);
      JsonObject *value = json_object_new ();
      g_autofree char *location = g_strdup_printf ("%s/%s/%s", s->base_url, type_path (PVD_SCIM_GROUP),
                                                   group->id);

      json_object_set_string_member (value, "value", group->id);
      json_object_set_string_member (value, "$ref", location);
      json_object_set_string_member (value, "display", group->name);
      json_object_set_string_member (value, "type", "direct");
      json_array_add_object_element (array, value);
    }
  return array;
}

/* The user's groups set in @object, as "groups", if it has any */
static gboolean
set_user_groups (Scim             *s,
                 PvdScimResource  *r,
                 JsonObject       *object,
                 GError          **error)
{
  JsonArray *array = user_groups (s, r, error);

  if (array == NULL)
    return FALSE;
  if (json_array_get_length (array) > 0)
    json_object_set_array_member (object, "groups", array);
  else
    json_array_unref (array);
  return TRUE;
}

static gboolean
add_groups (Scim             *s,
            PvdScimResource  *r,
            GError          **error)
{
  JsonObject *attributes = pvd_scim_resource_get_attributes (r, error);

  if (attributes == NULL)
    return FALSE;
  if (r->type != PVD_SCIM_USER || json_object_has_member (attributes, "groups"))
    return TRUE;
  return set_user_groups (s, r, attributes, error);
}

/* The server's members of a resource, set in @object: id and meta. */
static void
add_server_members (Scim                  *s,
                    const PvdScimResource *r,
                    JsonObject            *object)
{
  JsonObject *meta = json_object_new ();
  g_autofree char *created = pv_time_format (r->created_at);
  g_autofree char *modified = pv_time_format (r->modified_at);
  g_autofree char *location = g_strdup_printf ("%s/%s/%s", s->base_url, type_path (r->type), r->id);
  g_autofree char *version = etag (r->version);

  json_object_set_string_member (object, "id", r->id);
  json_object_set_string_member (meta, "resourceType", pvd_scim_type_name (r->type));
  json_object_set_string_member (meta, "created", created);
  json_object_set_string_member (meta, "lastModified", modified);
  json_object_set_string_member (meta, "location", location);
  json_object_set_string_member (meta, "version", version);
  json_object_set_object_member (object, "meta", meta);
}

static JsonNode *
resource_to_node (Scim                  *s,
                  const PvdScimResource *r,
                  const Projection      *projection)
{
  /* The resource's own attributes, not a copy: it is sent once and gone. */
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), r->attributes);

  add_server_members (s, r, r->attributes);
  if (projection != NULL)
    apply_projection (r->attributes, projection);
  return g_steal_pointer (&node);
}

/* Whether a stored resource's text can be sent as it is, the server's
 * members written after it: a JSON object as json-glib writes it (no
 * space around it), none of whose members has a server's member's name
 * (the store drops a client's id and meta, pvd_scim_schema_prune() its
 * groups).  A text that holds those names anywhere, even in a value, is
 * parsed: the check errs on the safe side. */
static gboolean
text_sendable (const char *text,
               gsize       length)
{
  return length >= 2 && text[0] == '{' && text[length - 1] == '}' &&
         strstr (text, "\"id\"") == NULL && strstr (text, "\"meta\"") == NULL &&
         strstr (text, "\"groups\"") == NULL;
}

/* @r as its answer's JSON, appended to @out: its attributes projected by
 * @p, then its groups (a user's, when @with_groups), id and meta.  A
 * resource read from the store and sent whole is written from its stored
 * text rather than parsed and written again: its answer is that text with
 * the server's members written after it, the same members in the same
 * order as the parsed resource's. */
static gboolean
append_resource (Scim              *s,
                 PvdScimResource   *r,
                 const Projection  *p,
                 gboolean           with_groups,
                 GString           *out,
                 GError           **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gsize length = r->text ? strlen (r->text) : 0;

  if (r->attributes == NULL && p->only == NULL && p->excluded == NULL && text_sendable (r->text, length))
    {
      g_autoptr(JsonObject) added = json_object_new ();
      gsize inner = length - 1;    /* up to its closing brace */

      if (with_groups && r->type == PVD_SCIM_USER && !set_user_groups (s, r, added, error))
        return FALSE;
      add_server_members (s, r, added);
      node = json_node_init_object (json_node_alloc (), added);
      text = json_to_string (node, FALSE);
      g_string_append_len (out, r->text, inner);
      g_string_append (out, inner > 1 ? "," : "");
      g_string_append (out, text + 1);       /* after its opening brace */
      return TRUE;
    }

  if (!pvd_scim_resource_get_attributes (r, error) || (with_groups && !add_groups (s, r, error)))
    return FALSE;
  node = resource_to_node (s, r, p->only != NULL || p->excluded != NULL ? p : NULL);
  text = json_to_string (node, FALSE);
  g_string_append (out, text);
  return TRUE;
}

static void
send_resource (Scim              *s,
               guint              status,
               PvdScimResource   *r,
               const Projection  *projection,
               gboolean           with_groups)
{
  g_autofree char *version = etag (r->version);
  g_autoptr(GError) error = NULL;
  GString *out = g_string_sized_new (1024);
  gsize length;

  if (!append_resource (s, r, projection, with_groups, out, &error))
    {
      g_string_free (out, TRUE);
      send_store_error (s, error);
      return;
    }
  pvd_message_set_header (s->msg, "ETag", version);
  if (status == 201)
    {
      g_autofree char *location = g_strdup_printf ("%s/%s/%s", s->base_url, type_path (r->type), r->id);
      pvd_message_set_header (s->msg, "Location", location);
    }
  length = out->len;
  pvd_send_json_text (s->msg, status, PVD_SCIM_CONTENT_TYPE, g_string_free (out, FALSE), length);
}

/* Requests */

static const char *
query_param (Scim       *s,
             const char *name)
{
  return s->query ? g_hash_table_lookup (s->query, name) : NULL;
}

static JsonObject *
read_body (Scim *s)
{
  g_autoptr(GBytes) bytes = pvd_message_get_body (s->msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0)
    {
      pvd_send_scim_error (s->msg, 400, "invalidSyntax", "The request needs a JSON body");
      return NULL;
    }
  if (length > PVD_MAX_BODY_SIZE)
    {
      pvd_send_scim_error (s->msg, 413, NULL, "The body is larger than %d KiB", PVD_MAX_BODY_SIZE / 1024);
      return NULL;
    }
  body = pvd_parse_body (data, length, &error);
  if (body == NULL)
    {
      pvd_send_scim_error (s->msg, 400,
                           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                           ? "invalidValue" : "invalidSyntax", "%s", error->message);
      return NULL;
    }
  return json_node_dup_object (body);
}

/* Handlers */

static PvdScimResource *
get_checked (Scim        *s,
             PvdScimType  type,
             const char  *id)
{
  g_autoptr(GError) error = NULL;
  PvdScimResource *r = pvd_scim_store_get (s->store, s->tenant->id, s->kind, type, id, &error);

  if (r == NULL)
    send_store_error (s, error);
  return r;
}

/* If-Match (RFC 7644 §3.14): refuse to change what the client has not seen. */
static gboolean
precondition_holds (Scim                  *s,
                    const PvdScimResource *r)
{
  const char *if_match = pvd_message_get_header (s->msg, "If-Match");
  g_autofree char *current = etag (r->version);
  g_autofree char *wanted = NULL;

  if (if_match == NULL)
    return TRUE;
  wanted = g_strstrip (g_strdup (if_match));
  if (g_str_equal (wanted, "*") || strstr (wanted, current + 2) != NULL)
    return TRUE;
  pvd_send_scim_error (s->msg, 412, NULL, "The resource has changed (its version is %s)", current);
  return FALSE;
}

static void
create_resource (Scim        *s,
                 PvdScimType  type)
{
  g_autoptr(JsonObject) body = read_body (s);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimResource) r = NULL;

  if (body == NULL)
    return;
  if (!pvd_scim_normalize (body, type, &error))
    {
      pvd_send_scim_error (s->msg, 400, "invalidValue", "%s", error->message);
      return;
    }
  r = pvd_scim_store_create (s->store, s->tenant->id, s->kind, type, body, s->now, &error);
  if (r == NULL)
    send_store_error (s, error);
  else
    send_resource (s, 201, r, &no_projection, FALSE);
}

/* PUT and PATCH end alike: check the new attributes, store, answer. */
static void
store_replacement (Scim        *s,
                   PvdScimType  type,
                   const char  *id,
                   JsonObject  *attributes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimResource) r = NULL;

  if (!pvd_scim_normalize (attributes, type, &error))
    {
      pvd_send_scim_error (s->msg, 400, "invalidValue", "%s", error->message);
      return;
    }
  r = pvd_scim_store_replace (s->store, s->tenant->id, s->kind, type, id, attributes, s->now, &error);
  if (r == NULL)
    send_store_error (s, error);
  else
    send_resource (s, 200, r, &no_projection, TRUE);
}

static void
replace_resource (Scim        *s,
                  PvdScimType  type,
                  const char  *id)
{
  g_autoptr(JsonObject) body = read_body (s);
  g_autoptr(PvdScimResource) current = NULL;

  if (body == NULL || !(current = get_checked (s, type, id)) || !precondition_holds (s, current))
    return;
  store_replacement (s, type, id, body);
}

static void
patch_resource (Scim        *s,
                PvdScimType  type,
                const char  *id)
{
  g_autoptr(JsonObject) body = read_body (s);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimResource) current = NULL;
  JsonObject *attributes;

  if (body == NULL || !(current = get_checked (s, type, id)) || !precondition_holds (s, current))
    return;

  /* The stored resource read is this request's own: patched in place. */
  if (!(attributes = pvd_scim_resource_get_attributes (current, &error)))
    {
      send_store_error (s, error);
      return;
    }
  if (!pvd_scim_patch_apply (attributes, body, type == PVD_SCIM_USER ? PVD_SCIM_SCHEMA_USER : PVD_SCIM_SCHEMA_GROUP,
                             &error))
    {
      pvd_send_scim_error (s->msg, 400, pvd_scim_patch_scim_type (error), "%s", error->message);
      return;
    }
  store_replacement (s, type, id, attributes);
}

static void
delete_resource (Scim        *s,
                 PvdScimType  type,
                 const char  *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdScimResource) current = get_checked (s, type, id);

  if (current == NULL || !precondition_holds (s, current))
    return;
  if (!pvd_scim_store_delete (s->store, s->tenant->id, s->kind, type, id, s->now, &error))
    send_store_error (s, error);
  else
    pvd_message_set_status (s->msg, 204);
}

/* Listing and searching */

typedef struct {
  Scim          *s;
  PvdScimFilter *filter;
  gboolean       groups;    /* the filter names a user's groups */
  GPtrArray     *page;
  gint64         skip;
  gint64         count;
  gint64         total;
  GError        *error;
} Search;

static gboolean
search_cb (PvdScimResource *resource,
           gpointer         user_data)
{
  g_autoptr(PvdScimResource) r = resource;
  Search *search = user_data;
  gboolean hit;

  if (!pvd_scim_resource_get_attributes (r, &search->error) ||
      (search->groups && !add_groups (search->s, r, &search->error)))
    return FALSE;
  /* Filters may name id and meta, which the stored attributes lack. */
  add_server_members (search->s, r, r->attributes);
  hit = pvd_scim_filter_matches (search->filter, r->attributes, pvd_scim_attribute_is_case_exact);
  json_object_remove_member (r->attributes, "id");
  json_object_remove_member (r->attributes, "meta");
  if (hit)
    {
      search->total++;
      if (search->total > search->skip && (gint64) search->page->len < search->count)
        g_ptr_array_add (search->page, g_steal_pointer (&r));
    }
  return TRUE;
}

/* Stops at a comparison on a user's groups ("groups.value", "groups"). */
static gboolean
names_groups (const char *path,
              gboolean    ordering,
              gpointer    user_data)
{
  if (g_ascii_strncasecmp (path, PVD_SCIM_SCHEMA_USER ":", strlen (PVD_SCIM_SCHEMA_USER) + 1) == 0)
    path += strlen (PVD_SCIM_SCHEMA_USER) + 1;
  return !(g_ascii_strncasecmp (path, "groups", 6) == 0 && (path[6] == '\0' || path[6] == '.'));
}

/* The resources of @type matching @filter (or all), one page of them. */
static GPtrArray *
find (Scim           *s,
      PvdScimType     type,
      PvdScimFilter  *filter,
      gint64          skip,
      gint64          count,
      gint64         *total,
      GError        **error)
{
  const char *attribute = NULL;
  const char *value = NULL;
  Search search = { s, filter, FALSE, NULL, skip, count, 0, NULL };

  if (filter == NULL)
    return pvd_scim_store_page (s->store, s->tenant->id, s->kind, type, skip, count, total, error);

  /* What identity providers send all the time goes through an index. */
  if (pvd_scim_filter_is_simple_eq (filter, &attribute, &value))
    {
      const char *column = NULL;

      if (g_ascii_strcasecmp (attribute, type == PVD_SCIM_USER ? "userName" : "displayName") == 0)
        column = "name";
      else if (g_ascii_strcasecmp (attribute, "externalId") == 0)
        column = "externalId";
      else if (g_ascii_strcasecmp (attribute, "id") == 0)
        column = "id";
      else if (type == PVD_SCIM_USER && g_ascii_strcasecmp (attribute, "groups.value") == 0)
        column = "group";

      if (column != NULL)
        {
          g_autoptr(GPtrArray) all = pvd_scim_store_lookup (s->store, s->tenant->id, s->kind, type,
                                                            column, value, error);
          GPtrArray *page;

          if (all == NULL)
            return NULL;
          *total = all->len;
          page = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
          for (guint i = 0; i < all->len; i++)
            if ((gint64) i >= skip && (gint64) page->len < count)
              g_ptr_array_add (page, g_steal_pointer (&g_ptr_array_index (all, i)));
          return page;
        }
    }

  search.groups = type == PVD_SCIM_USER && !pvd_scim_filter_foreach_comparison (filter, names_groups, NULL);
  search.page = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_scim_resource_free);
  if (!pvd_scim_store_foreach (s->store, s->tenant->id, s->kind, type, search_cb, &search, error) ||
      search.error != NULL)
    {
      if (search.error != NULL)
        g_propagate_error (error, search.error);
      g_ptr_array_unref (search.page);
      return NULL;
    }
  *total = search.total;
  return search.page;
}

static gboolean
parse_count (Scim        *s,
             const char  *name,
             const char  *text,
             gint64       fallback,
             gint64      *out)
{
  gint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_signed (text, 10, G_MININT32, G_MAXINT32, &value, NULL))
    {
      pvd_send_scim_error (s->msg, 400, "invalidValue", "“%s” must be a whole number", name);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static void
send_list (Scim             *s,
           GPtrArray        *lists[2],
           gint64            total,
           gint64            start_index,
           const Projection *projection)
{
  g_autoptr(GError) error = NULL;
  GString *out = g_string_sized_new (1024);
  guint n = 0;
  gsize length;

  g_string_append_printf (out, "{\"schemas\":[\"" SCHEMA_LIST "\"],\"totalResults\":%" G_GINT64_FORMAT
                          ",\"startIndex\":%" G_GINT64_FORMAT ",\"Resources\":[", total, start_index);
  for (guint l = 0; l < 2 && lists[l] != NULL; l++)
    for (guint i = 0; i < lists[l]->len; i++, n++)
      {
        if (n > 0)
          g_string_append_c (out, ',');
        if (!append_resource (s, g_ptr_array_index (lists[l], i), projection, wants_groups (projection), out,
                              &error))
          {
            g_string_free (out, TRUE);
            send_store_error (s, error);
            return;
          }
      }
  g_string_append_printf (out, "],\"itemsPerPage\":%u}", n);
  length = out->len;
  pvd_send_json_text (s->msg, 200, PVD_SCIM_CONTENT_TYPE, g_string_free (out, FALSE), length);
}

/* A SearchRequest's startIndex or count as text for parse_count(): a
 * member that is not a whole number reads as text that does not parse. */
static char *
search_request_number (JsonObject *search_request,
                       const char *name)
{
  JsonNode *node = json_object_get_member (search_request, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup ("-");
}

/* A SearchRequest's attributes or excludedAttributes: an array of
 * attribute paths (RFC 7644 §3.4.3), or the query string's comma-separated
 * form as a string. */
static gboolean
search_request_attributes (Scim        *s,
                           JsonObject  *search_request,
                           const char  *name,
                           GStrv       *out)
{
  JsonNode *node = json_object_get_member (search_request, name);
  g_autoptr(GString) joined = g_string_new (NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *out = split_attributes (json_node_get_string (node));
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *element = json_array_get_element (a, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            break;
          g_string_append_printf (joined, "%s%s", i ? "," : "", json_node_get_string (element));
          if (i + 1 == json_array_get_length (a))
            {
              *out = split_attributes (joined->str);
              return TRUE;
            }
        }
      if (json_array_get_length (a) == 0)
        return TRUE;
    }
  pvd_send_scim_error (s->msg, 400, "invalidValue", "“%s” must be an array of attribute names", name);
  return FALSE;
}

/* RFC 7644 §3.4.2.2: gt, ge, lt and le on a boolean or binary attribute
 * are an invalidFilter. */
typedef struct {
  const char *core_schema;
  char       *refused;
} OrderingCheck;

static gboolean
check_ordering (const char *path,
                gboolean    ordering,
                gpointer    user_data)
{
  OrderingCheck *check = user_data;
  JsonObject *definition;
  const char *type;

  if (!ordering || (definition = pvd_scim_schema_find_path (check->core_schema, path)) == NULL)
    return TRUE;
  type = json_object_get_string_member (definition, "type");
  if (g_str_equal (type, "boolean") || g_str_equal (type, "binary"))
    {
      check->refused = g_strdup (path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
filter_applies (Scim          *s,
                PvdScimFilter *filter,
                gboolean       users,
                gboolean       groups)
{
  for (guint i = 0; i < 2; i++)
    {
      OrderingCheck check = { i == 0 ? PVD_SCIM_SCHEMA_USER : PVD_SCIM_SCHEMA_GROUP, NULL };

      if ((i == 0 && !users) || (i == 1 && !groups) ||
          pvd_scim_filter_foreach_comparison (filter, check_ordering, &check))
        continue;
      pvd_send_scim_error (s->msg, 400, "invalidFilter",
                           "“%s” is %s: gt, ge, lt and le do not compare it", check.refused,
                           g_str_equal (json_object_get_string_member (pvd_scim_schema_find_path (check.core_schema,
                                                                                                  check.refused),
                                                                       "type"), "boolean")
                           ? "true or false" : "binary");
      g_free (check.refused);
      return FALSE;
    }
  return TRUE;
}

/* GET /Users?filter=…, POST /Users/.search and POST /.search */
static void
list_resources (Scim        *s,
                gboolean     users,
                gboolean     groups,
                JsonObject  *search_request)
{
  const char *filter_text = NULL, *start_text = NULL, *count_text = NULL;
  const char *attributes_text = NULL, *excluded_text = NULL;
  g_autofree char *start_owned = NULL, *count_owned = NULL;
  g_autoptr(PvdScimFilter) filter = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_auto(Projection) projection = { NULL, NULL };
  gint64 start_index, count, total_first = 0, total_second = 0;
  GPtrArray *lists[2] = { NULL, NULL };

  if (search_request != NULL)
    {
      /* SearchRequest members (RFC 7644 §3.4.3) */
#define MEMBER_STRING(name) \
      (json_object_has_member (search_request, name) && \
       JSON_NODE_HOLDS_VALUE (json_object_get_member (search_request, name)) && \
       json_node_get_value_type (json_object_get_member (search_request, name)) == G_TYPE_STRING \
       ? json_object_get_string_member (search_request, name) : NULL)
      filter_text = MEMBER_STRING ("filter");
      if (filter_text == NULL && json_object_has_member (search_request, "filter") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (search_request, "filter")))
        {
          pvd_send_scim_error (s->msg, 400, "invalidFilter", "“filter” must be a string");
          return;
        }
      start_text = start_owned = search_request_number (search_request, "startIndex");
      count_text = count_owned = search_request_number (search_request, "count");
      if (!search_request_attributes (s, search_request, "attributes", &projection.only) ||
          !search_request_attributes (s, search_request, "excludedAttributes", &projection.excluded))
        return;
#undef MEMBER_STRING
    }
  else
    {
      filter_text = query_param (s, "filter");
      start_text = query_param (s, "startIndex");
      count_text = query_param (s, "count");
      attributes_text = query_param (s, "attributes");
      excluded_text = query_param (s, "excludedAttributes");
      projection.only = split_attributes (attributes_text);
      projection.excluded = split_attributes (excluded_text);
    }

  if (!parse_count (s, "startIndex", start_text, 1, &start_index) ||
      !parse_count (s, "count", count_text, DEFAULT_COUNT, &count))
    return;
  /* RFC 7644 §3.4.2.4: below 1 is 1, negative counts are 0. */
  start_index = MAX (start_index, 1);
  count = CLAMP (count, 0, MAX_COUNT);

  if (filter_text != NULL && *filter_text != '\0')
    {
      filter = pvd_scim_filter_parse (filter_text, &error);
      if (filter == NULL)
        {
          pvd_send_scim_error (s->msg, 400, "invalidFilter", "%s", error->message);
          return;
        }
      if (!filter_applies (s, filter, users, groups))
        return;
    }

  if (users)
    {
      first = find (s, PVD_SCIM_USER, filter, start_index - 1, count, &total_first, &error);
      if (first == NULL)
        {
          send_store_error (s, error);
          return;
        }
      lists[0] = first;
    }
  if (groups)
    {
      gint64 skip = MAX (0, start_index - 1 - total_first);
      gint64 room = users ? count - (gint64) first->len : count;

      second = find (s, PVD_SCIM_GROUP, filter, skip, MAX (room, 0), &total_second, &error);
      if (second == NULL)
        {
          send_store_error (s, error);
          return;
        }
      lists[users ? 1 : 0] = second;
    }

  send_list (s, lists, total_first + total_second, start_index, &projection);
}

static void
get_resource (Scim        *s,
              PvdScimType  type,
              const char  *id)
{
  g_auto(Projection) projection = { split_attributes (query_param (s, "attributes")),
                                    split_attributes (query_param (s, "excludedAttributes")) };
  gboolean with_groups = wants_groups (&projection);
  g_autoptr(PvdScimResource) r = NULL;
  const char *if_none_match = pvd_message_get_header (s->msg, "If-None-Match");
  g_autofree char *current = NULL;

  /* A user is read with its groups, in one statement. */
  if (type == PVD_SCIM_USER && with_groups)
    {
      g_autoptr(GError) error = NULL;

      if (!(r = pvd_scim_store_get_user (s->store, s->tenant->id, s->kind, id, &error)))
        {
          send_store_error (s, error);
          return;
        }
    }
  else if (!(r = get_checked (s, type, id)))
    return;
  current = etag (r->version);
  if (if_none_match != NULL && strstr (if_none_match, current + 2) != NULL)
    {
      pvd_message_set_header (s->msg, "ETag", current);
      pvd_message_set_status (s->msg, 304);
      return;
    }
  send_resource (s, 200, r, &projection, with_groups);
}

/* Discovery: /ServiceProviderConfig, /Schemas, /ResourceTypes */

/* A new object with @object's members, @replaced's value (if any) being
 * @replacement; the values themselves are @object's, shared. */
static JsonObject *
replace_member (JsonObject *object,
                const char *replaced,
                JsonNode   *replacement)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (copy, name, g_str_equal (name, replaced) ? json_node_ref (replacement)
                                                                      : json_node_copy (value));
  return copy;
}

/* A schema or resource type of the shared, sealed document as this
 * connection answers it: the same members, and a meta whose location is
 * absolute.  Only the answer's own object and meta are new. */
static JsonNode *
with_absolute_location (Scim       *s,
                        JsonObject *document)
{
  JsonObject *meta = json_object_get_object_member (document, "meta");
  g_autofree char *location = g_strconcat (s->base_url, json_object_get_string_member (meta, "location"), NULL);
  g_autoptr(JsonNode) absolute = json_node_init_string (json_node_alloc (), location);
  g_autoptr(JsonObject) new_meta = replace_member (meta, "location", absolute);
  g_autoptr(JsonNode) meta_node = json_node_init_object (json_node_alloc (), new_meta);
  g_autoptr(JsonObject) answer = replace_member (document, "meta", meta_node);

  return json_node_init_object (json_node_alloc (), answer);
}

static void
send_discovery (Scim       *s,
                const char *member,
                const char *id)
{
  JsonArray *all = json_object_get_array_member (pvd_scim_schemas_document (), member);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = json_array_get_length (all);

  for (guint i = 0; id != NULL && i < n; i++)
    {
      JsonObject *document = json_array_get_object_element (all, i);

      if (g_strcmp0 (json_object_get_string_member (document, "id"), id) == 0)
        {
          g_autoptr(JsonNode) answer = with_absolute_location (s, document);

          pvd_send_json (s->msg, 200, PVD_SCIM_CONTENT_TYPE, answer);
          return;
        }
    }
  if (id != NULL)
    {
      pvd_send_scim_error (s->msg, 404, NULL, "No %s “%s”",
                           g_str_equal (member, "schemas") ? "schema" : "resource type", id);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schemas");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, SCHEMA_LIST);
  json_builder_end_array (b);
  pvd_json_int (b, "totalResults", n);
  pvd_json_int (b, "itemsPerPage", n);
  pvd_json_int (b, "startIndex", 1);
  json_builder_set_member_name (b, "Resources");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_value (b, with_absolute_location (s, json_array_get_object_element (all, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  pvd_send_json (s->msg, 200, PVD_SCIM_CONTENT_TYPE, root);
}

static void
send_service_provider_config (Scim *s)
{
  g_autofree char *key = g_strdup_printf ("%s/ServiceProviderConfig", s->base_url);
  GBytes *document = g_hash_table_lookup (s->worker->documents, key);

  /* It only depends on the base URL: built once, then copied. */
  if (document != NULL)
    {
      pvd_message_set_response (s->msg, 200, PVD_SCIM_CONTENT_TYPE, document);
      return;
    }

  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *location = g_strdup_printf ("%s/ServiceProviderConfig", s->base_url);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schemas");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
  json_builder_end_array (b);

#define FEATURE(name, supported) \
  json_builder_set_member_name (b, name); \
  json_builder_begin_object (b); \
  pvd_json_bool (b, "supported", supported);
  FEATURE ("patch", TRUE);
  json_builder_end_object (b);
  FEATURE ("bulk", FALSE);
  pvd_json_int (b, "maxOperations", 0);
  pvd_json_int (b, "maxPayloadSize", 0);
  json_builder_end_object (b);
  FEATURE ("filter", TRUE);
  pvd_json_int (b, "maxResults", MAX_COUNT);
  json_builder_end_object (b);
  FEATURE ("changePassword", FALSE);
  json_builder_end_object (b);
  FEATURE ("sort", FALSE);
  json_builder_end_object (b);
  FEATURE ("etag", TRUE);
  json_builder_end_object (b);
#undef FEATURE

  json_builder_set_member_name (b, "authenticationSchemes");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  pvd_json_string (b, "type", "oauthbearertoken");
  pvd_json_string (b, "name", "OAuth Bearer Token");
  pvd_json_string (b, "description",
                   "A secret token issued in the tenant for this connection (pvs_…)");
  pvd_json_bool (b, "primary", TRUE);
  json_builder_end_object (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  pvd_json_string (b, "resourceType", "ServiceProviderConfig");
  pvd_json_string (b, "location", location);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  pvd_send_json (s->msg, 200, PVD_SCIM_CONTENT_TYPE, root);
  if (g_hash_table_size (s->worker->documents) >= 1024)
    g_hash_table_remove_all (s->worker->documents);
  g_hash_table_replace (s->worker->documents, g_steal_pointer (&key),
                        g_bytes_ref (pvd_message_get_response (s->msg)));
}

static void
method_not_allowed (Scim       *s,
                    const char *allowed)
{
  pvd_message_set_header (s->msg, "Allow", allowed);
  pvd_send_scim_error (s->msg, 405, NULL, "%s is not allowed here; use %s", s->method, allowed);
}

static const char *endpoints[] = {
  "ServiceProviderConfig", "Schemas", "ResourceTypes", "Users", "Groups", ".search",
};

/* Routes `/{resource}[/{id}]` below the base URL. */
static void
route (Scim       *s,
       const char *resource)
{
  g_auto(GStrv) parts = g_strsplit (resource, "/", 3);
  guint n = g_strv_length (parts);
  const char *first = n > 0 ? parts[0] : "";
  const char *id = n > 1 ? parts[1] : NULL;

  /* "/Users/" is "/Users"; endpoint names are matched without regard to
   * case ("/users"), as some clients send them. */
  if (n == 2 && *id == '\0')
    {
      id = NULL;
      n = 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (g_ascii_strcasecmp (first, endpoints[i]) == 0)
      first = endpoints[i];
  gboolean get = g_str_equal (s->method, "GET");
  gboolean post = g_str_equal (s->method, "POST");
  PvdScimType type;

  if (n > 2 || (id != NULL && *id == '\0'))
    {
      pvd_send_scim_error (s->msg, 404, NULL, "There is nothing at this path");
      return;
    }

  if (g_str_equal (first, "ServiceProviderConfig") && id == NULL)
    get ? send_service_provider_config (s) : method_not_allowed (s, "GET");
  else if (g_str_equal (first, "Schemas"))
    get ? send_discovery (s, "schemas", id) : method_not_allowed (s, "GET");
  else if (g_str_equal (first, "ResourceTypes"))
    get ? send_discovery (s, "resourceTypes", id) : method_not_allowed (s, "GET");
  else if (g_str_equal (first, ".search") && id == NULL)
    {
      g_autoptr(JsonObject) body = NULL;

      if (!post)
        method_not_allowed (s, "POST");
      else if ((body = read_body (s)) != NULL)
        list_resources (s, TRUE, TRUE, body);
    }
  else if (g_str_equal (first, "Users") || g_str_equal (first, "Groups"))
    {
      type = g_str_equal (first, "Users") ? PVD_SCIM_USER : PVD_SCIM_GROUP;
      if (id == NULL)
        {
          if (get)
            list_resources (s, type == PVD_SCIM_USER, type == PVD_SCIM_GROUP, NULL);
          else if (post)
            create_resource (s, type);
          else
            method_not_allowed (s, "GET, POST");
        }
      else if (g_str_equal (id, ".search"))
        {
          g_autoptr(JsonObject) body = NULL;

          if (!post)
            method_not_allowed (s, "POST");
          else if ((body = read_body (s)) != NULL)
            list_resources (s, type == PVD_SCIM_USER, type == PVD_SCIM_GROUP, body);
        }
      else if (get)
        get_resource (s, type, id);
      else if (g_str_equal (s->method, "PUT"))
        replace_resource (s, type, id);
      else if (g_str_equal (s->method, "PATCH"))
        patch_resource (s, type, id);
      else if (g_str_equal (s->method, "DELETE"))
        delete_resource (s, type, id);
      else
        method_not_allowed (s, "GET, PUT, PATCH, DELETE");
    }
  else
    pvd_send_scim_error (s->msg, 404, NULL, "This endpoint serves no “%s”", first);
}

/**
 * pvd_scim_request_provisions:
 * @method: the request's method
 * @resource: the path below the SCIM base URL ("Users/2819c223…")
 *
 * Whether a request changes a user or group: POST of /Users or /Groups,
 * or PUT, PATCH or DELETE of one of them.  The one kind of request an
 * identity provider's test never makes (tests and look-ups only read, the
 * .search endpoints included), so the evidence that it provisions with a
 * token (update_retirement() in pvd-store.c).  Whether the change
 * succeeds does not matter: the identity provider made it with that token.
 *
 * Returns: whether the request is a change
 */
gboolean
pvd_scim_request_provisions (const char *method,
                             const char *resource)
{
  g_auto(GStrv) parts = g_strsplit (resource, "/", 3);
  guint n = g_strv_length (parts);
  gboolean has_id = n == 2 && *parts[1] != '\0';

  if (n == 0 || n > 2 ||
      (g_ascii_strcasecmp (parts[0], "Users") != 0 && g_ascii_strcasecmp (parts[0], "Groups") != 0))
    return FALSE;
  if (g_str_equal (method, "POST"))
    return !has_id;
  if (g_str_equal (method, "PUT") || g_str_equal (method, "PATCH") || g_str_equal (method, "DELETE"))
    return has_id && g_ascii_strcasecmp (parts[1], ".search") != 0;
  return FALSE;
}

static void
send_rate_limited (PvdMessage *msg)
{
  pvd_send_scim_error (msg, 429, NULL, "Too many failed authentications from this address");
}

static const char *
auth_failure_detail (PvdScimAuth result)
{
  switch (result)
    {
    case PVD_SCIM_AUTH_EXPIRED:
      return "The token has expired; issue a new one in the tenant and update the identity provider";
    case PVD_SCIM_AUTH_REVOKED:
      return "The token has been revoked";
    case PVD_SCIM_AUTH_WRONG_CONNECTION:
      return "The token belongs to another provisioning connection";
    case PVD_SCIM_AUTH_UNKNOWN:
    case PVD_SCIM_AUTH_LIMITED:
    case PVD_SCIM_AUTH_OK:
    default:
      return "The bearer token is not valid for this endpoint";
    }
}

/* The change was not recorded: nothing of it stays. */
static void
send_write_error (PvdMessage   *msg,
                  const GError *error)
{
  pvd_message_remove_header (msg, "Location");
  pvd_message_remove_header (msg, "ETag");
  if (g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAVAILABLE))
    send_unavailable (msg, error);
  else if (g_error_matches (error, PVD_ERROR, PVD_ERROR_EXISTS))
    /* a userName taken, learnt at the commit (pvd_writer_end()) */
    pvd_send_scim_error (msg, 409, "uniqueness", "%s", error->message);
  else
    {
      g_warning ("Could not record a SCIM change: %s", error->message);
      pvd_send_scim_error (msg, 500, NULL, "The server could not complete the request; nothing was changed");
    }
}

/* Called by the writer once the group holding the change committed, or
 * failed; in its commit thread. */
static void
write_committed_cb (const GError *error,
                    gpointer      user_data)
{
  pvd_message_resume (user_data, error);
}

/* Back in the worker's thread: a change that was not committed is
 * answered as not made. */
static void
write_finish (PvdMessage   *msg,
              const GError *error)
{
  if (error != NULL)
    send_write_error (msg, error);
}

/**
 * pvd_scim_handle:
 * @path: `/t/{tenant}/scim/{users|persons}/v2/…`
 * @now: the server's time, pvd_server_now()
 *
 * Authenticates a SCIM request with the connection's tokens, answers it,
 * and records what changed as an event of the token that made it.
 */
void
pvd_scim_handle (PvdWorker         *worker,
                 PvdMessage        *msg,
                 const char        *path,
                 GHashTable        *query,
                 gint64             now)
{
  PvdStore *store = worker->store;
  g_auto(GStrv) parts = g_strsplit (path, "/", 7);
  const PvdTenant *tenant = NULL;
  const PvdToken *token = NULL;
  gboolean enabled = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *operation = NULL;
  const char *user_agent;
  const char *resource;
  PvdScimAuth result;
  gboolean reads;
  PvdEvent event = { 0 };
  Scim s = { 0 };

  s.server = worker->server;
  s.worker = worker;
  s.store = store;
  s.msg = msg;
  s.method = pvd_message_get_method (msg);
  s.query = query;
  s.now = now;

  /* "", "t", tenant, "scim", kind, "v2", resource */
  if (g_strv_length (parts) < 6 || !g_str_equal (parts[3], "scim") ||
      !pvd_kind_is_valid (parts[4]) || !g_str_equal (parts[5], "v2"))
    {
      pvd_send_scim_error (msg, 404, NULL, "There is no SCIM endpoint at this path");
      return;
    }
  s.kind = parts[4];
  resource = parts[6] ? parts[6] : "";

  if (pvd_rate_limited (s.server, msg))
    {
      send_rate_limited (msg);
      return;
    }

  secret = pvd_bearer_token (msg);
  if (secret == NULL)
    {
      if (pvd_count_auth_failure (s.server, store, msg))
        send_rate_limited (msg);
      else
        pvd_send_scim_error (msg, 401, NULL, "A bearer token is needed");
      return;
    }

  /* Reads are the identity provider's look-ups: one read transaction,
   * authentication included (as for the management API's GETs), not one
   * for each. */
  reads = g_str_equal (s.method, "GET") || g_str_equal (s.method, "HEAD") ||
          g_str_has_suffix (resource, ".search");
  user_agent = pvd_message_get_header (msg, "User-Agent");
  pvd_store_begin_read (store);
  result = pvd_scim_authenticate (worker, msg, parts[2], s.kind, secret, user_agent,
                                  pvd_scim_request_provisions (s.method, resource), s.now,
                                  &tenant, &token, &enabled, &error);
  if (!reads || result != PVD_SCIM_AUTH_OK || error != NULL || !enabled)
    pvd_store_end_read (store);
  if (g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAVAILABLE))
    {
      send_unavailable (msg, error);
      return;
    }
  if (error != NULL)
    {
      g_warning ("SCIM authentication failed: %s", error->message);
      pvd_send_scim_error (msg, 500, NULL, "The server could not check the token");
      return;
    }
  if (result == PVD_SCIM_AUTH_LIMITED ||
      (result != PVD_SCIM_AUTH_OK && pvd_count_auth_failure (s.server, store, msg)))
    {
      send_rate_limited (msg);
      return;
    }
  if (result != PVD_SCIM_AUTH_OK)
    {
      pvd_send_scim_error (msg, 401, NULL, "%s", auth_failure_detail (result));
      return;
    }

  base_url = pvd_scim_base_url (s.server, tenant->slug, s.kind);
  s.tenant = tenant;
  s.token = token;
  s.base_url = base_url;

  if (!enabled)
    {
      pvd_send_scim_error (msg, 403, NULL, "Provisioning is disabled for this connection in the tenant");
      return;
    }

  /* A look-up goes on in the read transaction of its authentication (or a
   * new one, if recording the token's use ended it).  A change and its
   * event are one write transaction: what the IdP changed is what an admin
   * wants to see, and one commit costs half of two. */
  if (reads)
    {
      pvd_store_begin_read (store);
      route (&s, resource);
      pvd_store_end_read (store);
      return;
    }

  /* A change and its event go into the writer's open group (pvd-writer.c);
   * the answer waits until the group committed (below). */
  store = pvd_writer_begin (s.server->writer, tenant->id, s.kind, &error);
  if (store == NULL)
    {
      g_warning ("Could not start a SCIM write: %s", error->message);
      pvd_set_retry_after (msg, PVD_UNAVAILABLE_RETRY_AFTER);
      pvd_send_scim_error (msg, 503, NULL, "The tenant is busy; try again");
      return;
    }
  s.store = store;
  route (&s, resource);

  /* A request that failed changes nothing, whatever it wrote before it
   * failed; its event is still recorded. */
  if (pvd_message_get_status (msg) >= 400)
    pvd_writer_undo (s.server->writer);

  operation = g_strdup_printf ("%s /%.100s", s.method, resource);
  event.at = s.now;
  event.type = (char *) "scim";
  event.token_id = token->id;
  event.token_prefix = token->prefix;
  event.operation = operation;
  event.status = pvd_message_get_status (msg);
  event.user_agent = token->last_user_agent;
  if (!pvd_store_add_event (store, tenant->id, s.kind, &event, &error))
    {
      pvd_writer_undo (s.server->writer);
      pvd_writer_end (s.server->writer, NULL, NULL, NULL);
      send_write_error (msg, error);
      return;
    }
  /* The answer leaves once the group holding the change committed; the
   * worker serves other requests meanwhile, and their changes join the
   * group. */
  pvd_message_defer (msg, write_finish);
  pvd_writer_end (s.server->writer, write_committed_cb, msg, NULL);
}
