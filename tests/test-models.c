/* test-models.c: the core's models keep their objects across a refresh
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's views are bound to the models (a panel per connection, a row
 * per token) and update on notify:: and items-changed.  What they rely
 * on: a refresh that brings the same state changes nothing; a value that
 * changes is a notify on the same object; a new token is one item added,
 * the others kept.
 */

#include "config.h"

#include "pv-connection-info.h"
#include "pv-list.h"
#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-token-info.h"

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint n_signals;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->n_signals++;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *n)
{
  (*n)++;
}

/* The tenant's answer: one users connection with @tokens, a comma
 * separated list of "id:last_used" (last_used 0 for never). */
static void
update (PvTenantInfo *tenant,
        const char   *tokens)
{
  g_auto(GStrv) items = g_strsplit (tokens, ",", -1);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  for (guint i = 0; items[i] != NULL && *items[i] != '\0'; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], ":", 2);
      gboolean used = g_strcmp0 (parts[1], "0") != 0;

      g_string_append_printf (list, "%s{\"id\": \"%s\", \"prefix\": \"pvs_%s\", \"description\": \"\","
                              " \"created_by\": \"alice\", \"created_at\": \"2026-11-01T00:00:00Z\","
                              " \"expires_at\": \"2027-11-01T00:00:00Z\", \"last_used_at\": %s%s%s,"
                              " \"state\": \"ok\", \"replaced_by\": null, \"retire\": null, \"retires_at\": null}",
                              i ? ", " : "", parts[0], parts[0], used ? "\"2026-11-0" : "null",
                              used ? parts[1] : "", used ? "T00:00:00Z\"" : "");
    }
  json = g_strdup_printf ("{"
                          " \"provisioning\": {\"connections\": [{\"kind\": \"users\","
                          " \"identity_provider\": \"entra\", \"scim_base_url\": \"https://acme.example/scim\","
                          " \"last_request_at\": null, \"last_request_token_id\": null,"
                          " \"tokens\": [%s], \"deleted_tokens\": []}]}}", list->str);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (pv_tenant_info_update_from_json (tenant, json_node_get_object (json_parser_get_root (parser)),
                                                  &error));
  g_assert_no_error (error);
}

static gpointer
item (GListModel *model,
      guint       position)
{
  g_autoptr(GObject) object = g_list_model_get_item (model, position);

  return object;   /* the model holds it */
}

static void
test_refresh_keeps_objects (void)
{
  PvProfile profile = { (char *) "acme", (char *) "https://acme.example", NULL, FALSE };
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  GListModel *connections = pv_tenant_info_get_connections (tenant);
  Changes connection_changes = { 0 };
  Changes token_changes = { 0 };
  PvConnectionInfo *connection;
  GListModel *tokens;
  PvTokenInfo *older, *newer;
  guint n_notify = 0;

  update (tenant, "tok_a:0");
  connection = item (connections, 0);
  tokens = pv_connection_info_get_tokens (connection);
  older = item (tokens, 0);
  g_signal_connect (connections, "items-changed", G_CALLBACK (items_changed_cb), &connection_changes);
  g_signal_connect (tokens, "items-changed", G_CALLBACK (items_changed_cb), &token_changes);

  /* The same state again: not one signal. */
  update (tenant, "tok_a:0");
  g_assert_cmpuint (connection_changes.n_signals, ==, 0);
  g_assert_cmpuint (token_changes.n_signals, ==, 0);
  g_assert_true (item (tokens, 0) == older);

  /* First use: a notify on the same token, the lists untouched. */
  g_signal_connect (older, "notify::last-used-at", G_CALLBACK (count_cb), &n_notify);
  update (tenant, "tok_a:2");
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpint (pv_token_info_get_last_used_at (older), >, 0);
  g_assert_cmpuint (connection_changes.n_signals, ==, 0);
  g_assert_cmpuint (token_changes.n_signals, ==, 0);

  /* A new token, newest first: one item added at the top, the old one kept. */
  update (tenant, "tok_b:0,tok_a:2");
  g_assert_cmpuint (token_changes.n_signals, ==, 1);
  g_assert_cmpuint (token_changes.position, ==, 0);
  g_assert_cmpuint (token_changes.removed, ==, 0);
  g_assert_cmpuint (token_changes.added, ==, 1);
  g_assert_true (item (tokens, 1) == older);
  newer = item (tokens, 0);
  g_assert_cmpstr (pv_token_info_get_id (newer), ==, "tok_b");
  g_assert_cmpuint (connection_changes.n_signals, ==, 0);
  g_assert_true (item (connections, 0) == connection);

  /* The old one retired: one item removed, at the end. */
  update (tenant, "tok_b:3");
  g_assert_cmpuint (token_changes.n_signals, ==, 2);
  g_assert_cmpuint (token_changes.position, ==, 1);
  g_assert_cmpuint (token_changes.removed, ==, 1);
  g_assert_cmpuint (token_changes.added, ==, 0);
  g_assert_true (item (tokens, 0) == newer);

  /* All gone. */
  update (tenant, "");
  g_assert_cmpuint (token_changes.n_signals, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (tokens), ==, 0);
}

/* pv_list_store_update() splices only the run that differs. */
static void
test_list_store_update (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  Changes changes = { 0 };

  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (objects, g_object_new (G_TYPE_OBJECT, NULL));
  /* a b c d */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (items, objects->pdata[i]);
  pv_list_store_update (store, items);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 4);
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* a b e d: c replaced by e, one item at 2 */
  items->pdata[2] = objects->pdata[4];
  pv_list_store_update (store, items);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  g_assert_cmpuint (changes.position, ==, 2);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 1);
  for (guint i = 0; i < 4; i++)
    g_assert_true (item (G_LIST_MODEL (store), i) == items->pdata[i]);

  /* the same again: nothing */
  pv_list_store_update (store, items);
  g_assert_cmpuint (changes.n_signals, ==, 1);

  /* a a: both ends share "a"; the result is still exactly the items */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, objects->pdata[0]);
  g_ptr_array_add (items, objects->pdata[0]);
  pv_list_store_update (store, items);
  g_assert_cmpuint (changes.n_signals, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_true (item (G_LIST_MODEL (store), 0) == objects->pdata[0]);
  g_assert_true (item (G_LIST_MODEL (store), 1) == objects->pdata[0]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/models/refresh-keeps-objects", test_refresh_keeps_objects);
  g_test_add_func ("/models/list-store-update", test_list_store_update);
  return g_test_run ();
}
