"""One module per business process: the steps for one work item, on plain clients (no Robot
Framework). The keyword libraries in ``saksrobot.keywords`` are thin facades over these; import
the module of the process you need (``saksrobot.processes.ppt_referrals``)."""
