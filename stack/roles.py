"""Azure built-in role definition ids: one table for the components that assign roles, the policy and the diagram.

Built-in role ids are the same in every Azure tenant; names and ids are those of Microsoft's list,
https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (the privileged ones:
https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged).
"""

from __future__ import annotations

ROLE_IDS: dict[str, str] = {
    # Privileged administrator roles (control plane; no workload identity may hold them).
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    # The data-plane and monitoring roles the platform grants.
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    # What the Managed DevOps Pools service principal needs on the VNet its agents join.
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
}
"""Role name -> role definition GUID."""

PRIVILEGED_ROLES: frozenset[str] = frozenset({"Owner", "Contributor", "User Access Administrator"})
"""Roles that can change, delete or re-permission everything in their scope."""

__all__ = ["PRIVILEGED_ROLES", "ROLE_IDS"]
