/* pvd-scim-store.h: SCIM users and groups of a provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pvd-store.h"

G_BEGIN_DECLS

typedef enum {
  PVD_SCIM_USER,
  PVD_SCIM_GROUP,
} PvdScimType;

/**
 * PvdScimResource:
 * @attributes: everything the client sent that is kept, without `id` and
 *   `meta`; NULL in a resource read from the store until
 *   pvd_scim_resource_get_attributes() parses @text
 * @text: the same as stored, a JSON object's text, in a resource read from
 *   the store; NULL otherwise
 *
 * A stored SCIM resource.  @name is `userName` of a user, `displayName` of
 * a group: the attribute that must be unique (for users) and that identity
 * providers look resources up by.  A resource read only to be sent is
 * written from @text without being parsed (pvd-scim.c).
 */
typedef struct {
  char       *id;
  PvdScimType type;
  char       *external_id;
  char       *name;
  JsonObject *attributes;
  char       *text;
  gint64      created_at;
  gint64      modified_at;
  gint64      version;
  /* A user's groups (PvdScimResource: id and name), when it was read
   * with them (pvd_scim_store_lookup() by userName); otherwise NULL */
  GPtrArray  *groups;
} PvdScimResource;

/* Takes @resource (transfer full); returns FALSE to stop. */
typedef gboolean (*PvdScimResourceFunc) (PvdScimResource *resource,
                                         gpointer         user_data);

void             pvd_scim_resource_free   (PvdScimResource *resource);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvdScimResource, pvd_scim_resource_free)
JsonObject      *pvd_scim_resource_get_attributes (PvdScimResource *resource,
                                                   GError         **error);

const char      *pvd_scim_type_name       (PvdScimType      type);

PvdScimResource *pvd_scim_store_create    (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           JsonObject      *attributes,
                                           gint64           now,
                                           GError         **error);
PvdScimResource *pvd_scim_store_get       (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           const char      *id,
                                           GError         **error);
PvdScimResource *pvd_scim_store_get_user  (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           const char      *id,
                                           GError         **error);
PvdScimResource *pvd_scim_store_replace   (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           const char      *id,
                                           JsonObject      *attributes,
                                           gint64           now,
                                           GError         **error);
gboolean         pvd_scim_store_delete    (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           const char      *id,
                                           gint64           now,
                                           GError         **error);
GPtrArray       *pvd_scim_store_user_groups (PvdStore      *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           const char      *user_id,
                                           GError         **error);
GPtrArray       *pvd_scim_store_lookup    (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           const char      *column,
                                           const char      *value,
                                           GError         **error);
gboolean         pvd_scim_store_foreach   (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           PvdScimResourceFunc func,
                                           gpointer         user_data,
                                           GError         **error);
GPtrArray       *pvd_scim_store_page      (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           PvdScimType      type,
                                           gint64           offset,
                                           gint64           limit,
                                           gint64          *out_total,
                                           GError         **error);
gint64           pvd_scim_store_count     (PvdStore        *store,
                                           gint64           tenant_id,
                                           const char      *kind,
                                           GError         **error);

G_END_DECLS
