/* pv-search.c: what the sidebar's and the overview's search finds
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-search"

#include "config.h"

#include <string.h>

#include "pv-guide.h"
#include "pv-search.h"

/* A search is words typed as they come: each must appear, case folded,
 * somewhere in what an entry is called (its name, its address, the apps it
 * provisions, the vendor of a tracked app); the order does not matter and
 * a part of a word is enough, so that three letters find a tenant.  Any
 * kind of entry (a tenant, a tracked app) matches through its own list of
 * fields: pv_search_matches() knows nothing of what they are. */

/**
 * pv_search_prepare:
 * @query: (nullable): what was typed
 *
 * Returns: (transfer full) (nullable): the words of @query, case folded;
 *   %NULL if there are none (everything matches)
 */
char **
pv_search_prepare (const char *query)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  if (query == NULL)
    return NULL;
  folded = g_utf8_casefold (query, -1);
  words = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        g_strv_builder_add (builder, words[i]);
        n++;
      }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/**
 * pv_search_haystack:
 * @fields: (array zero-terminated=1): what an entry is called
 *
 * Returns: (transfer full): @fields case folded, one a line, for
 *   pv_search_matches_haystack(): worked out once for many searches
 */
char *
pv_search_haystack (const char * const *fields)
{
  g_autofree char *joined = g_strjoinv ("\n", (char **) fields);

  return g_utf8_casefold (joined, -1);
}

/**
 * pv_search_matches_haystack:
 * @words: (nullable): from pv_search_prepare()
 * @haystack: from pv_search_haystack()
 *
 * Returns: whether each of @words is in @haystack (words have no line
 *   breaks: a word never spans two fields)
 */
gboolean
pv_search_matches_haystack (const char * const *words,
                            const char         *haystack)
{
  for (guint w = 0; words != NULL && words[w] != NULL; w++)
    if (strstr (haystack, words[w]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * pv_search_matches:
 * @words: (nullable): from pv_search_prepare()
 * @fields: (array zero-terminated=1): what an entry is called; %NULL
 *   members are not allowed (leave them out)
 *
 * Returns: whether each of @words is in one of @fields
 */
gboolean
pv_search_matches (const char * const *words,
                   const char * const *fields)
{
  g_autofree char *haystack = NULL;

  if (words == NULL)
    return TRUE;
  haystack = pv_search_haystack (fields);
  return pv_search_matches_haystack (words, haystack);
}

/**
 * pv_search_tenant_fields:
 *
 * Returns: (transfer full) (element-type utf8): what a search finds
 *   @tenant by, %NULL-terminated: its name, id, address, the account its
 *   key belongs to and the apps it provisions
 */
GPtrArray *
pv_search_tenant_fields (PvTenantInfo *tenant)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  const char *values[] = {
    pv_tenant_info_get_name (tenant), pv_tenant_info_get_id (tenant),
    pv_tenant_info_get_base_url (tenant), pv_tenant_info_get_account (tenant),
  };
  GListModel *connections = pv_tenant_info_get_connections (tenant);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] != NULL)
      g_ptr_array_add (fields, g_strdup (values[i]));
  for (guint i = 0; connections != NULL && i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, i);

      g_ptr_array_add (fields, g_strdup (pv_guide_app_name (pv_connection_info_get_kind (connection))));
    }
  g_ptr_array_add (fields, NULL);
  return fields;
}

/**
 * pv_search_tenant_matches:
 * @words: (nullable): from pv_search_prepare()
 *
 * Returns: whether @tenant is found by @words
 */
gboolean
pv_search_tenant_matches (PvTenantInfo       *tenant,
                          const char * const *words)
{
  g_autoptr(GPtrArray) fields = NULL;

  g_return_val_if_fail (PV_IS_TENANT_INFO (tenant), FALSE);

  if (words == NULL)
    return TRUE;
  fields = pv_search_tenant_fields (tenant);
  return pv_search_matches (words, (const char * const *) fields->pdata);
}
