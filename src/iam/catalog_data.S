/* Embeds data/aws-managed-policies.json (path given by IAMD_CATALOG_FILE) as read-only data. */
        .section .rodata
        .global iamd_managed_catalog_begin
        .global iamd_managed_catalog_end
iamd_managed_catalog_begin:
        .incbin IAMD_CATALOG_FILE
iamd_managed_catalog_end:
        .byte 0
        .section .note.GNU-stack,"",@progbits
