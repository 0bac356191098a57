/* pv-event-watch.c: a connection's events as they happen
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-event-watch"

#include "config.h"

#include "pv-event-watch.h"
#include "pv-json-read.h"

/* Polls a connection's events (GET …/events?after_id=N) and adds each new
 * one to a list model, oldest first, and emits ::event for it: how the app
 * shows the identity provider switching to a new token as it happens.
 * One request at a time; a failed poll is reported by ::error and the
 * watch goes on. */

struct _PvEventWatch
{
  GObject       parent_instance;

  PvClient     *client;
  char         *kind;
  char         *token_id;
  guint         interval_ms;
  gint64        after_id;
  GListStore   *events;
  GCancellable *cancellable;
  guint         timeout_id;
};

G_DEFINE_FINAL_TYPE (PvEventWatch, pv_event_watch, G_TYPE_OBJECT)

enum {
  SIGNAL_EVENT,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pv_event_watch_dispose (GObject *object)
{
  PvEventWatch *self = PV_EVENT_WATCH (object);

  pv_event_watch_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (pv_event_watch_parent_class)->dispose (object);
}

static void
pv_event_watch_finalize (GObject *object)
{
  PvEventWatch *self = PV_EVENT_WATCH (object);

  g_free (self->kind);
  g_free (self->token_id);
  g_clear_object (&self->events);

  G_OBJECT_CLASS (pv_event_watch_parent_class)->finalize (object);
}

static void
pv_event_watch_class_init (PvEventWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_event_watch_dispose;
  object_class->finalize = pv_event_watch_finalize;

  /**
   * PvEventWatch::event:
   * @event: a #PvEventInfo
   */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, PV_TYPE_EVENT_INFO);
  /**
   * PvEventWatch::error:
   * @error: why a poll failed; the watch goes on
   */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
pv_event_watch_init (PvEventWatch *self)
{
  self->events = g_list_store_new (PV_TYPE_EVENT_INFO);
}

/**
 * pv_event_watch_new:
 * @kind: "users" or "persons"
 * @token_id: (nullable): only this token's events
 * @interval_ms: time between the end of one poll and the next
 *
 * Returns: (transfer full): a watch; start it with pv_event_watch_start()
 */
PvEventWatch *
pv_event_watch_new (PvClient   *client,
                    const char *kind,
                    const char *token_id,
                    guint       interval_ms)
{
  PvEventWatch *self = g_object_new (PV_TYPE_EVENT_WATCH, NULL);

  self->client = g_object_ref (client);
  self->kind = g_strdup (kind);
  self->token_id = g_strdup (token_id);
  self->interval_ms = MAX (interval_ms, 50);
  return self;
}

/**
 * pv_event_watch_get_events:
 *
 * Returns: (transfer none): the events seen, oldest first (#PvEventInfo)
 */
GListModel *
pv_event_watch_get_events (PvEventWatch *self)
{
  g_return_val_if_fail (PV_IS_EVENT_WATCH (self), NULL);
  return G_LIST_MODEL (self->events);
}

static void poll_now (PvEventWatch *self);

static gboolean
poll_cb (gpointer user_data)
{
  PvEventWatch *self = user_data;

  self->timeout_id = 0;
  poll_now (self);
  return G_SOURCE_REMOVE;
}

/* The events of an answer of GET …/events, newest first as sent; the
 * "events" array itself in @out_json. */
static GPtrArray *
events_from_answer (JsonObject  *answer,
                    JsonNode   **out_json,
                    GError     **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node = json_object_get_member (answer, "events");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      pv_json_invalid (error, "events");
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(PvEventInfo) event = pv_event_info_new ();
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !pv_event_info_update_from_json (event, json_node_get_object (element), &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            pv_json_invalid (error, "events");
          return NULL;
        }
      g_ptr_array_add (events, g_steal_pointer (&event));
    }
  if (out_json != NULL)
    *out_json = json_node_copy (node);
  return g_steal_pointer (&events);
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PvEventWatch) self = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fresh = NULL;

  answer = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    return;
  if (answer != NULL)
    fresh = events_from_answer (answer, NULL, &error);
  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
  else
    {
      /* Newest first on the wire; oldest first here. */
      for (guint i = fresh->len; i > 0; i--)
        {
          PvEventInfo *event = g_ptr_array_index (fresh, i - 1);

          if (pv_event_info_get_id (event) <= self->after_id)
            continue;
          self->after_id = pv_event_info_get_id (event);
          g_list_store_append (self->events, event);
          g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
        }
    }
  if (self->cancellable != NULL && self->timeout_id == 0)
    self->timeout_id = g_timeout_add (self->interval_ms, poll_cb, self);
}

static void
poll_now (PvEventWatch *self)
{
  g_autoptr(GString) path = g_string_new (NULL);

  g_string_printf (path, "/api/v1/provisioning/%s/events?limit=100&after_id=%" G_GINT64_FORMAT,
                   self->kind, self->after_id);
  if (self->token_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->token_id, NULL, FALSE);
      g_string_append_printf (path, "&token=%s", escaped);
    }
  pv_client_request_async (self->client, "GET", path->str, NULL, self->cancellable,
                           polled_cb, g_object_ref (self));
}

/**
 * pv_event_watch_start:
 *
 * Polls now, then every interval until stopped.
 */
void
pv_event_watch_start (PvEventWatch *self)
{
  g_return_if_fail (PV_IS_EVENT_WATCH (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  poll_now (self);
}

void
pv_event_watch_stop (PvEventWatch *self)
{
  g_return_if_fail (PV_IS_EVENT_WATCH (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

/* Listing once: the recent events, newest first */

typedef struct {
  PvClient  *client;
  GPtrArray *events;
  JsonNode  *json;
} EventList;

static void
event_list_free (EventList *list)
{
  g_clear_object (&list->client);
  g_clear_pointer (&list->events, g_ptr_array_unref);
  g_clear_pointer (&list->json, json_node_unref);
  g_free (list);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EventList *list = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;

  answer = pv_client_request_finish (list->client, result, &error);
  if (answer == NULL || !(list->events = events_from_answer (answer, &list->json, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * pv_event_list_async:
 * @client: the tenant's
 * @kind: the connection: "users" or "persons"
 * @limit: at most this many events
 *
 * Asks the tenant once for a connection's recent events (SCIM changes and
 * token events), as pv_event_watch_new() does over and over; finish it with
 * pv_event_list_finish().
 */
void
pv_event_list_async (PvClient            *client,
                     const char          *kind,
                     guint                limit,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  EventList *list = g_new0 (EventList, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/events?limit=%u", kind, limit);

  g_return_if_fail (PV_IS_CLIENT (client));

  g_task_set_source_tag (task, pv_event_list_async);
  list->client = g_object_ref (client);
  g_task_set_task_data (task, list, (GDestroyNotify) event_list_free);
  pv_client_request_async (client, "GET", path, NULL, cancellable, listed_cb, task);
}

/**
 * pv_event_list_finish:
 * @out_json: (out) (optional) (transfer full): the "events" array as the
 *   tenant sent it, for scripts
 *
 * Returns: (transfer container) (element-type PvEventInfo): the events,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
pv_event_list_finish (GAsyncResult  *result,
                      JsonNode     **out_json,
                      GError       **error)
{
  EventList *list;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_event_list_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  list = g_task_get_task_data (G_TASK (result));
  if (out_json != NULL)
    *out_json = json_node_ref (list->json);
  return g_ptr_array_ref (list->events);
}
