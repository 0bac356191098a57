/* pv-search.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-tenant-info.h"

G_BEGIN_DECLS

char     **pv_search_prepare        (const char          *query);
gboolean   pv_search_matches        (const char * const  *words,
                                     const char * const  *fields);
char      *pv_search_haystack       (const char * const  *fields);
gboolean   pv_search_matches_haystack (const char * const *words,
                                       const char         *haystack);
GPtrArray *pv_search_tenant_fields  (PvTenantInfo        *tenant);
gboolean   pv_search_tenant_matches (PvTenantInfo        *tenant,
                                     const char * const  *words);

G_END_DECLS
