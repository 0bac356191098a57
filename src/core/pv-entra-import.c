/* pv-entra-import.c: the enterprise apps that provision, as tracked apps
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-import"

#include "config.h"

#include <string.h>

#include "pv-entra-import.h"
#include "pv-profiles.h"
#include "pv-vendor.h"

/* Import from Entra: every enterprise app with a synchronization job
 * becomes a tracked app (pv-tracked-app.c) in one step, linked to its
 * Entra app in entra.ini as a connection is (so that its job's state and
 * last good cycle show as any linked connection's), its SCIM base URL the
 * job's BaseAddress, its vendor the catalog's whose SCIM URL has the same
 * host, its expiry unknown until the admin sets it.  What a provisiod
 * tenant serves stays as it is.  A later import finds the apps it made by
 * their service principal: no duplicates; those Entra no longer has are
 * marked removed in their link, not deleted. */

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL ? g_ascii_strdown (g_uri_get_host (uri), -1) : NULL;
}

/**
 * pv_entra_import_vendor_for_url:
 *
 * Returns: (transfer full): the catalog's vendor whose SCIM URL is on the
 *   host of @scim_base_url, or "other"
 */
char *
pv_entra_import_vendor_for_url (const char *scim_base_url)
{
  g_autofree char *host = host_of (scim_base_url);
  g_auto(GStrv) ids = pv_vendor_list ();

  for (guint i = 0; host != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(PvVendor) vendor = pv_vendor_lookup (ids[i], NULL);
      g_autofree char *vendor_host = vendor != NULL ? host_of (vendor->scim_url) : NULL;

      if (vendor_host != NULL && g_str_equal (vendor_host, host))
        return g_strdup (ids[i]);
    }
  return g_strdup ("other");
}

/* A tracked app's id from the Entra app's name: what pv_profile_id_is_valid
 * accepts, unique among @tracked. */
static char *
new_id (GPtrArray  *tracked,
        const char *name)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autofree char *folded = g_str_to_ascii (name, NULL);
  char *id;

  for (const char *p = folded; *p != '\0' && base->len < 40; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (base, g_ascii_tolower (*p));
      else if (base->len > 0 && base->str[base->len - 1] != '-')
        g_string_append_c (base, '-');
    }
  while (base->len > 0 && base->str[base->len - 1] == '-')
    g_string_truncate (base, base->len - 1);
  if (base->len == 0 || !g_ascii_isalpha (base->str[0]))
    g_string_prepend (base, "entra-");
  id = g_strdup (base->str);
  for (guint n = 2; ; n++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < tracked->len && !taken; i++)
        taken = g_str_equal (((PvTrackedApp *) g_ptr_array_index (tracked, i))->id, id);
      if (!taken && pv_profile_id_is_valid (id))
        return id;
      g_free (id);
      id = g_strdup_printf ("%s-%u", base->str, n);
    }
}

static PvTrackedApp *
find_by_url (GPtrArray   *tracked,
             const char  *url,
             const char **kind)
{
  for (guint i = 0; i < tracked->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (tracked, i);

      for (guint c = 0; c < app->connections->len; c++)
        {
          PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);

          if (pv_entra_urls_match (connection->scim_base_url, url))
            {
              *kind = connection->kind;
              return app;
            }
        }
    }
  return NULL;
}

/* The link an earlier import (or the admin) made to this Entra app. */
static gboolean
find_link (PvEntraConfig *config,
           const char    *service_principal_id,
           char         **tenant,
           char         **kind)
{
  GHashTableIter iter;
  const char *key;
  PvEntraLink *link;

  g_hash_table_iter_init (&iter, config->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &link))
    if (g_strcmp0 (link->service_principal_id, service_principal_id) == 0)
      {
        const char *slash = strrchr (key, '/');

        *tenant = g_strndup (key, slash - key);
        *kind = g_strdup (slash + 1);
        return TRUE;
      }
  return FALSE;
}

static PvTrackedApp *
find_by_id (GPtrArray  *tracked,
            const char *id)
{
  for (guint i = 0; i < tracked->len; i++)
    if (g_str_equal (((PvTrackedApp *) g_ptr_array_index (tracked, i))->id, id))
      return g_ptr_array_index (tracked, i);
  return NULL;
}

/**
 * pv_entra_import:
 * @config: entra.ini: links are added, updated and marked removed
 * @tracked: (element-type PvTrackedApp): the tracked apps; new ones are
 *   added
 * @entra_apps: (element-type PvEntraApp): the directory's apps with a job,
 *   as discovery found them
 * @tenant_urls: (array zero-terminated=1): the SCIM base URLs of the
 *   provisiod tenants' connections
 * @result: (out caller-allocates): what was done
 *
 * Brings @tracked and @config up to date with Entra.  The caller saves
 * both (apps.ini and entra.ini).
 */
void
pv_entra_import (PvEntraConfig       *config,
                 GPtrArray           *tracked,
                 GPtrArray           *entra_apps,
                 const char * const  *tenant_urls,
                 gint64               now,
                 PvEntraImport       *result)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  PvEntraLink *link;

  memset (result, 0, sizeof *result);
  for (guint i = 0; i < entra_apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (entra_apps, i);
      g_autofree char *tenant = NULL;
      g_autofree char *kind = NULL;
      gboolean of_provisiod = FALSE;
      PvTrackedApp *found = NULL;
      const char *found_kind = NULL;

      g_hash_table_add (seen, app->service_principal_id);
      if (app->job == NULL)
        continue;
      for (guint t = 0; tenant_urls != NULL && tenant_urls[t] != NULL && !of_provisiod; t++)
        of_provisiod = app->base_address != NULL && pv_entra_urls_match (tenant_urls[t], app->base_address);
      if (of_provisiod)
        {
          result->provisiod++;
          continue;
        }
      if (find_link (config, app->service_principal_id, &tenant, &kind) &&
          (found = find_by_id (tracked, tenant)) != NULL)
        found_kind = kind;
      else if (app->base_address != NULL)
        found = find_by_url (tracked, app->base_address, &found_kind);

      if (found != NULL)
        {
          const PvEntraLink *old = pv_entra_config_get_link (config, found->id, found_kind);
          gboolean imported = old != NULL && old->imported;
          PvEntraLink *now_link;

          pv_entra_config_set_link (config, found->id, found_kind, app->service_principal_id, app->job->id,
                                    app->display_name);
          now_link = (PvEntraLink *) pv_entra_config_get_link (config, found->id, found_kind);
          now_link->imported = imported;
          result->updated++;
          continue;
        }
      if (app->base_address == NULL)
        {
          /* Without its SCIM base URL it cannot be tracked. */
          result->without_url++;
          continue;
        }
      {
        g_autofree char *id = new_id (tracked, app->display_name);
        g_autofree char *vendor = pv_entra_import_vendor_for_url (app->base_address);
        PvTrackedApp *made = pv_tracked_app_new (id, app->display_name, vendor);
        PvEntraLink *made_link;

        /* Expiry unknown (PV_EXPIRY_SOURCE_UNKNOWN) until the admin sets it. */
        pv_tracked_app_add_connection (made, "users", app->base_address);
        g_ptr_array_add (tracked, made);
        pv_entra_config_set_link (config, id, "users", app->service_principal_id, app->job->id, app->display_name);
        made_link = (PvEntraLink *) pv_entra_config_get_link (config, id, "users");
        made_link->imported = TRUE;
        result->added++;
      }
    }

  /* What an import made and Entra no longer has: marked, not deleted. */
  g_hash_table_iter_init (&iter, config->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &link))
    {
      if (!link->imported)
        continue;
      if (g_hash_table_contains (seen, link->service_principal_id))
        link->removed_at = 0;
      else if (link->removed_at == 0)
        {
          link->removed_at = now;
          result->removed++;
        }
    }
}
