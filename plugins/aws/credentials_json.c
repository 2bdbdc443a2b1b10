/* plugins/aws/credentials_json.c — the JSON document the ECS container
 * endpoint and the EC2 instance metadata service answer with:
 *
 *   {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIA...",
 *    "SecretAccessKey": "...", "Token": "...",
 *    "Expiration": "2026-11-26T12:00:00Z", "RoleArn": "..."}
 *
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html
 *
 * "Code" is IMDS's only; when present it must say Success. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "credentials_sources.h"

static const char *string_member(json_object *o, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

int aws_credentials_parse_json(const char *json, size_t len, time_t now, aws_credentials *out,
                               char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    bool complete = json_tokener_get_error(tok) == json_tokener_success;
    json_tokener_free(tok);
    int rc = -1;
    const char *code, *id, *secret, *token, *expiration;
    time_t when = 0;
    if (!root || !complete || !json_object_is_type(root, json_type_object))
        snprintf(err, err_len, "the answer is not a JSON object");
    else if ((code = string_member(root, "Code")) && strcmp(code, "Success") != 0)
        snprintf(err, err_len, "the answer's Code is %.64s", code);
    else if (!(id = string_member(root, "AccessKeyId")) ||
             !(secret = string_member(root, "SecretAccessKey")) ||
             !(token = string_member(root, "Token")))
        snprintf(err, err_len, "the answer lacks AccessKeyId, SecretAccessKey or Token");
    else if (!(expiration = string_member(root, "Expiration")) ||
             aws_parse_rfc3339(expiration, &when) != 0)
        snprintf(err, err_len, "the answer has no valid Expiration");
    else if (when <= now)
        snprintf(err, err_len, "the credentials have already expired");
    else if (aws_credentials_set(out, id, secret, token, when) != 0)
        snprintf(err, err_len, "%s", aws_credentials_set_error());
    else
        rc = 0;
    /* json-c's copies of the secrets are freed with the tree; the strings
     * are wiped before that. */
    if (root) {
        const char *keys[] = {"SecretAccessKey", "Token"};
        for (size_t i = 0; i < 2; i++) {
            json_object *v;
            if (json_object_object_get_ex(root, keys[i], &v) &&
                json_object_is_type(v, json_type_string))
                memset((char *)json_object_get_string(v), 0,
                       (size_t)json_object_get_string_len(v));
        }
        json_object_put(root);
    }
    return rc;
}
