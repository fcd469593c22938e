from split_settings.tools import include

include("components/base.py", "components/database.py")
