/* Embeds data/service-linked-roles.tsv (path given by IAMD_SERVICE_ROLES_FILE) as read-only data. */
        .section .rodata
        .global iamd_service_roles_begin
        .global iamd_service_roles_end
iamd_service_roles_begin:
        .incbin IAMD_SERVICE_ROLES_FILE
iamd_service_roles_end:
        .byte 0
        .section .note.GNU-stack,"",@progbits
