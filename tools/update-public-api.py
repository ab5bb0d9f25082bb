#!/usr/bin/env python3
"""Updates src/GpuLstm/PublicAPI.Unshipped.txt from the build's RS0016/RS0017 errors, after a deliberate API change.
Run from anywhere: python3 tools/update-public-api.py"""
import re,subprocess,sys
out=subprocess.run(['dotnet','build','src/GpuLstm','-c','Release','--no-incremental'],capture_output=True,text=True,cwd=__import__('pathlib').Path(__file__).resolve().parent.parent).stdout
add=set(re.findall(r"RS0016: Symbol '(.*?)' is not part of the declared public API",out))
rem=set(re.findall(r"RS0017: Symbol '(.*?)' is part of the declared API",out))
p=__import__('pathlib').Path(__file__).resolve().parent.parent/'src/GpuLstm/PublicAPI.Unshipped.txt'
lines=open(p).read().splitlines()
head=lines[0]; body=[l for l in lines[1:] if l and l not in rem]
body=sorted(set(body)|add)
open(p,'w').write(head+"\n"+"\n".join(body)+"\n")
print(len(add),"added",len(rem),"removed")
