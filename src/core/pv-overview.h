/* pv-overview.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-dates.h"   /* for callers that found the date formats here */
#include "pv-expiry.h"
#include "pv-connection-info.h"
#include "pv-tenant-info.h"
#include "pv-token-info.h"

G_BEGIN_DECLS

/**
 * PvActionKind:
 * @PV_ACTION_RENEW: renew the connection's token
 * @PV_ACTION_FINISH_RENEWAL: a new token waits for the identity provider's first use
 * @PV_ACTION_RENEW_CERTIFICATE: the SSO signing certificate expires
 * @PV_ACTION_RECONNECT: the tenant cannot be asked
 * @PV_ACTION_RENEW_KEY: Provisio's own admin API key for the tenant expires
 * @PV_ACTION_SET_EXPIRY: a tracked token's expiry is unknown until the
 *   admin sets it
 */
typedef enum {
  PV_ACTION_RENEW,
  PV_ACTION_FINISH_RENEWAL,
  PV_ACTION_RENEW_CERTIFICATE,
  PV_ACTION_RECONNECT,
  PV_ACTION_RENEW_KEY,
  PV_ACTION_SET_EXPIRY,
} PvActionKind;

/**
 * PvOverviewItem:
 * @tenant: the tenant
 * @kind: (nullable): "users" or "persons"; %NULL for the SSO certificate
 *   or the tenant itself
 * @token_id: (nullable): the token concerned
 * @label: what it is, for people ("Contoso · Persons · pvs_AbC123")
 * @starts_at: when it was issued (0 if unknown)
 * @expires_at: when it expires (0 if it does not)
 * @state: how soon
 * @in_use: whether the identity provider's last request used it
 * @retiring: a newer token is in use: this one retires by itself and
 *   counts for nothing (pv_overview_token_is_retiring())
 * @key_id: (nullable): for the tenant's admin API key, its id
 *
 * A bar on the dashboard's timeline.
 */
typedef struct {
  PvTenantInfo *tenant;
  char         *kind;
  char         *token_id;
  char         *label;
  gint64        starts_at;
  gint64        expires_at;
  PvExpiryState state;
  gboolean      in_use;
  gboolean      retiring;
  char         *key_id;
} PvOverviewItem;

/**
 * PvNextAction:
 * @action: what to do
 * @tenant: the tenant
 * @kind: (nullable): "users" or "persons"
 * @title: the action, for people ("Renew the Persons token of Contoso")
 * @subtitle: why ("Expires in 9 days, on 2 December 2026")
 * @state: how pressing
 * @expires_at: when it expires, or 0
 */
typedef struct {
  PvActionKind  action;
  PvTenantInfo *tenant;
  char         *kind;
  char         *title;
  char         *subtitle;
  PvExpiryState state;
  gint64        expires_at;
} PvNextAction;

/**
 * PvActionGroup:
 * @PV_ACTION_GROUP_EXPIRED: a token expired, or a connection has none
 * @PV_ACTION_GROUP_URGENT: a renewal is urgent
 * @PV_ACTION_GROUP_DUE_SOON: a renewal is due soon
 * @PV_ACTION_GROUP_WAITING: a new token waits for the identity provider
 * @PV_ACTION_GROUP_UNREACHABLE: the tenant could not be asked
 *
 * The overview's groups of next actions, in the order shown.
 */
typedef enum {
  PV_ACTION_GROUP_EXPIRED,
  PV_ACTION_GROUP_URGENT,
  PV_ACTION_GROUP_DUE_SOON,
  PV_ACTION_GROUP_WAITING,
  PV_ACTION_GROUP_UNREACHABLE,
  PV_N_ACTION_GROUPS,
} PvActionGroup;

PvActionGroup pv_next_action_group       (const PvNextAction *action);
const char   *pv_action_group_to_label   (PvActionGroup       group);
void          pv_overview_sort_by_expiry (GPtrArray          *items);

PvOverviewItem *pv_overview_item_ref   (PvOverviewItem *item);
void            pv_overview_item_unref (PvOverviewItem *item);
PvNextAction   *pv_next_action_ref     (PvNextAction   *action);
void            pv_next_action_unref   (PvNextAction   *action);

GPtrArray *pv_overview_tenant_items   (PvTenantInfo         *tenant,
                                       const PvExpiryPolicy *override,
                                       gint64                now);
GPtrArray *pv_overview_tenant_actions (PvTenantInfo         *tenant,
                                       const PvExpiryPolicy *override,
                                       gint64                now);
gint64     pv_overview_tenant_changes_at (PvTenantInfo      *tenant,
                                          gint64             now);
void       pv_overview_sort_actions   (GPtrArray            *actions);

GPtrArray *pv_overview_items        (GListModel           *tenants,
                                     const PvExpiryPolicy *override,
                                     gint64                now);
GPtrArray *pv_overview_next_actions (GListModel           *tenants,
                                     const PvExpiryPolicy *override,
                                     gint64                now);
gboolean   pv_overview_token_is_retiring (PvConnectionInfo     *connection,
                                          PvTokenInfo          *token);
PvExpiryState pv_overview_token_state (PvTenantInfo         *tenant,
                                       const PvExpiryPolicy *override,
                                       gint64                expires_at,
                                       gint64                now);
PvExpiryState pv_overview_token_info_state (PvTenantInfo         *tenant,
                                            const PvExpiryPolicy *override,
                                            PvTokenInfo          *token,
                                            gint64                now);
PvExpiryState pv_overview_tenant_state (PvTenantInfo         *tenant,
                                        const PvExpiryPolicy *override,
                                        gint64                now);
char      *pv_overview_describe_switch (PvConnectionInfo   *connection);
const char *pv_overview_state_label (PvExpiryState state,
                                     gboolean      retiring);
const char *pv_overview_item_state_label (const PvOverviewItem *item);
char      *pv_overview_describe     (GPtrArray  *items,
                                     gint64      now);

G_END_DECLS
