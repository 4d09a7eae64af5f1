/*
  TTP Lens demo rule: a PE file exporting a reflective loader, as shellcode-free injection
  frameworks build them. Scan memory dumps and files dropped in user-writable folders.

  ATT&CK: T1620 Reflective Code Loading, T1055.001 Dynamic-link Library Injection
*/
import "pe"

rule TTPL_Reflective_Loader_Export
{
    meta:
        author = "TTP Lens demo"
        description = "PE image that exports a reflective loader entry point and resolves its own imports"
        date = "2026-11-20"
        mitre_attack_tactic = "TA0005"
        mitre_attack_technique = "T1620"
        mitre_attack_subtechnique = "T1055.001"
        severity = "high"

    strings:
        $export_a = "ReflectiveLoader" ascii
        $export_b = "_ReflectiveLoader@" ascii
        $hash_kernel32 = { 5B BC 4A 6A }      // ror13 hash of KERNEL32.DLL
        $hash_loadlib = { 8E 4E 0E EC }       // ror13 hash of LoadLibraryA
        $hash_getproc = { AA FC 0D 7C }       // ror13 hash of GetProcAddress

    condition:
        uint16(0) == 0x5A4D
        and filesize < 5MB
        and (pe.exports("ReflectiveLoader") or any of ($export_*))
        and 2 of ($hash_*)
}
